/**
 * Reads the first JSON value of a request body the way Go's json.Decoder does,
 * so `bad request body: ...` messages match Toxiproxy byte for byte: scanner
 * errors (`invalid character 'o' in literal null (expecting 'u')`), `EOF` for an
 * empty body, `unexpected EOF` for a cut one; anything after the first value is
 * ignored. Numbers keep their literal text for Go's `number 1.5` type errors.
 */

export type Raw =
  | { t: 'object'; entries: Array<[string, Raw]> }
  | { t: 'array'; items: Raw[] }
  | { t: 'string'; v: string }
  | { t: 'number'; text: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

class GoSyntaxError extends Error {}

/** Go's quoteChar: how a byte appears in a scanner error. */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // Go turns the single byte into the rune of the same number.
  if (c >= 0x80 && c < 0xa0) return `'\\u00${c.toString(16)}'`;
  if (c === 0xad) return `'\\u00ad'`;
  return `'${String.fromCharCode(c)}'`;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class Scanner {
  private i = 0;
  constructor(private readonly b: Buffer) {}

  private fail(context: string): never {
    if (this.i >= this.b.length) throw new GoSyntaxError('unexpected EOF');
    throw new GoSyntaxError(`invalid character ${quoteChar(this.b[this.i]!)} ${context}`);
  }

  private peek(): number {
    if (this.i >= this.b.length) throw new GoSyntaxError('unexpected EOF');
    return this.b[this.i]!;
  }

  private skipSpace(): void {
    while (this.i < this.b.length && isSpace(this.b[this.i]!)) this.i++;
  }

  top(): Raw {
    this.skipSpace();
    if (this.i >= this.b.length) throw new GoSyntaxError('EOF');
    return this.value();
  }

  private value(): Raw {
    this.skipSpace();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return { t: 'string', v: this.string() };
    if (c === 0x2d || isDigit(c)) return { t: 'number', text: this.number() };
    if (c === 0x74) return this.literal('true', { t: 'bool', v: true });
    if (c === 0x66) return this.literal('false', { t: 'bool', v: false });
    if (c === 0x6e) return this.literal('null', { t: 'null' });
    return this.fail('looking for beginning of value');
  }

  private object(): Raw {
    const entries: Array<[string, Raw]> = [];
    this.i++;
    this.skipSpace();
    if (this.peek() === 0x7d) {
      this.i++;
      return { t: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail('after object key');
      this.i++;
      entries.push([key, this.value()]);
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === 0x2c) continue;
      if (c === 0x7d) return { t: 'object', entries };
      this.i--;
      this.fail('after object key:value pair');
    }
  }

  private array(): Raw {
    const items: Raw[] = [];
    this.i++;
    this.skipSpace();
    if (this.peek() === 0x5d) {
      this.i++;
      return { t: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const c = this.peek();
      this.i++;
      if (c === 0x2c) continue;
      if (c === 0x5d) return { t: 'array', items };
      this.i--;
      this.fail('after array element');
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.peek();
      if (c === 0x22) break;
      if (c === 0x5c) {
        this.i++;
        const e = this.peek();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!isHex(this.peek())) this.fail('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) this.fail('in string escape code');
      } else if (c < 0x20) this.fail('in string literal');
      this.i++;
    }
    this.i++;
    return JSON.parse(this.b.toString('utf8', start, this.i)) as string;
  }

  private number(): string {
    const start = this.i;
    const atEnd = (): boolean => this.i >= this.b.length;
    if (this.b[this.i] === 0x2d) {
      this.i++;
      if (!isDigit(this.peek())) this.fail('in numeric literal');
    }
    if (this.b[this.i] === 0x30) this.i++;
    else while (!atEnd() && isDigit(this.b[this.i]!)) this.i++;
    if (!atEnd() && this.b[this.i] === 0x2e) {
      this.i++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal');
      while (!atEnd() && isDigit(this.b[this.i]!)) this.i++;
    }
    if (!atEnd() && (this.b[this.i] === 0x65 || this.b[this.i] === 0x45)) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal');
      while (!atEnd() && isDigit(this.b[this.i]!)) this.i++;
    }
    return this.b.toString('latin1', start, this.i);
  }

  private literal(word: string, value: Raw): Raw {
    for (let k = 0; k < word.length; k++) {
      if (this.peek() !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return value;
  }
}

export type ScanResult = { ok: true; raw: Raw } | { ok: false; error: string };

export function scanFirstValue(body: Buffer): ScanResult {
  try {
    return { ok: true, raw: new Scanner(body).top() };
  } catch (err) {
    if (err instanceof GoSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}
