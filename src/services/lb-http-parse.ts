/**
 * Just enough HTTP/1.1 parsing for a byte-forwarding proxy: message heads
 * (start line and headers, kept raw so they can be re-emitted with small
 * edits) and body framing. Bodies are never decoded, only measured.
 */

export interface MessageHead {
  /** `GET /x HTTP/1.1` or `HTTP/1.1 200 OK`. */
  startLine: string;
  /** Header lines as received, `Name: value`. */
  lines: string[];
  /** Lower-cased name of each line in `lines`. */
  names: string[];
  /** Lower-cased names to trimmed values; repeated headers joined with `, `. */
  headers: Map<string, string>;
  /** Bytes of the head including the blank line. */
  length: number;
}

export const MAX_HEAD_BYTES = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** The head at the start of `buf`, null while incomplete; throws on garbage or an oversized head. */
export function parseHead(buf: Buffer): MessageHead | null {
  const end = buf.indexOf(CRLFCRLF);
  if (end === -1) {
    if (buf.length > MAX_HEAD_BYTES) throw new Error('message head too large');
    return null;
  }
  const text = buf.toString('latin1', 0, end);
  const lines = text.split('\r\n');
  const startLine = lines.shift()!;
  const headers = new Map<string, string>();
  const names: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    names.push(name);
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  return { startLine, lines, names, headers, length: end + 4 };
}

export type BodyFraming = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

function contentLength(head: MessageHead): number | null {
  const raw = head.headers.get('content-length');
  if (raw === undefined) return null;
  // Repeated identical values (`5, 5`) are allowed by RFC 9110; differing ones are not.
  const values = new Set(raw.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d+$/.test(only)) throw new Error(`invalid content-length ${JSON.stringify(raw)}`);
  return Number(only);
}

function isChunked(head: MessageHead): boolean {
  return /(?:^|,)\s*chunked\s*$/i.test(head.headers.get('transfer-encoding') ?? '');
}

export function requestFraming(head: MessageHead): BodyFraming {
  if (isChunked(head)) return { kind: 'chunked' };
  const n = contentLength(head);
  return n ? { kind: 'length', remaining: n } : { kind: 'none' };
}

export function responseFraming(head: MessageHead, status: number, method: string): BodyFraming {
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return { kind: 'none' };
  if (isChunked(head)) return { kind: 'chunked' };
  const n = contentLength(head);
  if (n === null) return { kind: 'close' };
  return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
}

/** True if a comma-separated header (`connection`) holds `token`. */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.toLowerCase().split(',').some((t) => t.trim() === token);
}

/**
 * Finds where a chunked body ends, fed piece by piece. Sizes, extensions and
 * trailers are skipped; the bytes themselves are forwarded untouched.
 */
export class ChunkedEnd {
  #state: 'size' | 'ext' | 'size_lf' | 'data' | 'data_cr' | 'data_lf' | 'trailer_start' | 'trailer_line' | 'trailer_lf' | 'final_lf' = 'size';
  #size = 0;
  #remaining = 0;
  #sawDigit = false;

  /** Index in `buf` (from `start`) just past the end of the body, or -1 if it continues. */
  feed(buf: Buffer, start = 0): number {
    let i = start;
    while (i < buf.length) {
      const c = buf[i]!;
      switch (this.#state) {
        case 'size': {
          const d = hexValue(c);
          if (d >= 0) {
            this.#size = this.#size * 16 + d;
            this.#sawDigit = true;
            if (this.#size > Number.MAX_SAFE_INTEGER / 16) throw new Error('chunk size too large');
          } else if (c === 0x0d && this.#sawDigit) this.#state = 'size_lf';
          else if ((c === 0x3b || c === 0x20 || c === 0x09) && this.#sawDigit) this.#state = 'ext';
          else throw new Error('malformed chunk size');
          i += 1;
          break;
        }
        case 'ext':
          if (c === 0x0d) this.#state = 'size_lf';
          i += 1;
          break;
        case 'size_lf':
          if (c !== 0x0a) throw new Error('malformed chunk size line');
          i += 1;
          if (this.#size === 0) this.#state = 'trailer_start';
          else {
            this.#remaining = this.#size;
            this.#state = 'data';
          }
          this.#size = 0;
          this.#sawDigit = false;
          break;
        case 'data': {
          const take = Math.min(this.#remaining, buf.length - i);
          this.#remaining -= take;
          i += take;
          if (this.#remaining === 0) this.#state = 'data_cr';
          break;
        }
        case 'data_cr':
          if (c !== 0x0d) throw new Error('malformed chunk end');
          this.#state = 'data_lf';
          i += 1;
          break;
        case 'data_lf':
          if (c !== 0x0a) throw new Error('malformed chunk end');
          this.#state = 'size';
          i += 1;
          break;
        case 'trailer_start':
          this.#state = c === 0x0d ? 'final_lf' : 'trailer_line';
          i += 1;
          break;
        case 'trailer_line':
          if (c === 0x0d) this.#state = 'trailer_lf';
          i += 1;
          break;
        case 'trailer_lf':
          this.#state = 'trailer_start';
          i += 1;
          break;
        case 'final_lf':
          if (c !== 0x0a) throw new Error('malformed chunked body end');
          return i + 1;
      }
    }
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Walks a body with a known framing: how much of each piece belongs to it, and when it ends. */
export class BodyCursor {
  #chunked: ChunkedEnd | null;
  #remaining: number;
  constructor(readonly framing: BodyFraming) {
    this.#chunked = framing.kind === 'chunked' ? new ChunkedEnd() : null;
    this.#remaining = framing.kind === 'length' ? framing.remaining : 0;
  }

  get done(): boolean {
    return this.framing.kind === 'none' || (this.framing.kind === 'length' && this.#remaining === 0);
  }

  /** `end`: bytes of `buf` in this body; `done`: the body ended within them. */
  take(buf: Buffer): { end: number; done: boolean } {
    switch (this.framing.kind) {
      case 'none':
        return { end: 0, done: true };
      case 'close':
        return { end: buf.length, done: false };
      case 'length': {
        const end = Math.min(this.#remaining, buf.length);
        this.#remaining -= end;
        return { end, done: this.#remaining === 0 };
      }
      case 'chunked': {
        const at = this.#chunked!.feed(buf);
        return at === -1 ? { end: buf.length, done: false } : { end: at, done: true };
      }
    }
  }
}
