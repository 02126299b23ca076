/**
 * Just enough HTTP/1.1 parsing for a byte-forwarding proxy: message heads
 * (start line and headers, kept raw so they can be re-emitted with small
 * edits) and body framing. Bodies are never decoded, only measured.
 */

export interface MessageHead {
  /** `GET /x HTTP/1.1` or `HTTP/1.1 200 OK`. */
  startLine: string;
  /** Bytes of the head including the blank line; the head is forwarded as these bytes. */
  length: number;
  /** The few headers the proxy acts on, trimmed; repeats joined with `, `. */
  contentLength: string | undefined;
  transferEncoding: string | undefined;
  connection: string | undefined;
  upgrade: string | undefined;
  /** Only whether one is present: the load balancer adds one when it is not. */
  hasRequestId: boolean;
}

export const MAX_HEAD_BYTES = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

function join(prev: string | undefined, value: string): string {
  return prev === undefined ? value : `${prev}, ${value}`;
}

/**
 * The head at the start of `buf`, null while incomplete; throws on garbage or
 * an oversized head. Heads are forwarded verbatim, so only the headers that
 * decide framing and connection handling are read (names are matched by
 * length first: this runs once per request and per response).
 */
export function parseHead(buf: Buffer): MessageHead | null {
  const end = buf.indexOf(CRLFCRLF);
  if (end === -1) {
    if (buf.length > MAX_HEAD_BYTES) throw new Error('message head too large');
    return null;
  }
  const text = buf.toString('latin1', 0, end);
  let pos = text.indexOf('\r\n');
  const head: MessageHead = {
    startLine: pos === -1 ? text : text.slice(0, pos),
    length: end + 4,
    contentLength: undefined,
    transferEncoding: undefined,
    connection: undefined,
    upgrade: undefined,
    hasRequestId: false,
  };
  while (pos !== -1) {
    const start = pos + 2;
    const next = text.indexOf('\r\n', start);
    const lineEnd = next === -1 ? text.length : next;
    const colon = text.indexOf(':', start);
    if (colon <= start || colon >= lineEnd) throw new Error(`malformed header line ${JSON.stringify(text.slice(start, Math.min(lineEnd, start + 80)))}`);
    const n = colon - start;
    if (n === 14 || n === 17 || n === 10 || n === 7) {
      const name = text.slice(start, colon).toLowerCase();
      if (name === 'content-length') head.contentLength = join(head.contentLength, text.slice(colon + 1, lineEnd).trim());
      else if (name === 'transfer-encoding') head.transferEncoding = join(head.transferEncoding, text.slice(colon + 1, lineEnd).trim());
      else if (name === 'connection') head.connection = join(head.connection, text.slice(colon + 1, lineEnd).trim());
      else if (name === 'upgrade') head.upgrade = join(head.upgrade, text.slice(colon + 1, lineEnd).trim());
    } else if (n === 12 && (text.charCodeAt(start) | 0x20) === 0x78 && text.slice(start, colon).toLowerCase() === 'x-request-id') {
      // The first letter ('x') is checked first: content-type has the same length.
      head.hasRequestId = true;
    }
    pos = next;
  }
  return head;
}

export type BodyFraming = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

function contentLength(head: MessageHead): number | null {
  const raw = head.contentLength;
  if (raw === undefined) return null;
  // Repeated identical values (`5, 5`) are allowed by RFC 9110; differing ones are not.
  const values = new Set(raw.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d+$/.test(only)) throw new Error(`invalid content-length ${JSON.stringify(raw)}`);
  return Number(only);
}

function isChunked(head: MessageHead): boolean {
  return head.transferEncoding !== undefined && /(?:^|,)\s*chunked\s*$/i.test(head.transferEncoding);
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
