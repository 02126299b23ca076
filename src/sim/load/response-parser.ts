/**
 * A minimal HTTP/1.1 response parser for the load engine: one response at a
 * time (no pipelining), reporting only what a load report needs (status,
 * whether the connection may be reused). It frames bodies as RFC 9112 §6.3
 * says (HEAD, 1xx, 204 and 304 carry none; chunked; content-length; else
 * until close) and skips them without copying. Bytes may arrive split
 * anywhere, including inside the header block or a chunk-size line.
 */

/** A malformed or oversized response; counted as an 'other' error. */
export class HttpParseError extends Error {
  readonly code = 'AGENTUP_HTTP_PARSE';
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4096;
const CRLFCRLF = Buffer.from('\r\n\r\n');

const enum State {
  Head,
  Fixed,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done,
}

export class ResponseParser {
  status = 0;
  /** After a complete response: whether the connection can carry another request. */
  keepAlive = true;
  /** Seconds from a `keep-alive: timeout=N` header, or 0. */
  keepAliveTimeoutS = 0;
  #state = State.Done;
  #head: Buffer | null = null;
  #remaining = 0;
  #line = '';
  #noBody = false;
  #lastHead = '';
  #lastFields: HeadFields | null = null;

  /** Before each request; `noBody` for HEAD (whose answer declares a length it does not send). */
  expect(noBody: boolean): void {
    this.#state = State.Head;
    this.#head = null;
    this.#line = '';
    this.#noBody = noBody;
    this.status = 0;
    this.keepAlive = true;
    this.keepAliveTimeoutS = 0;
  }

  /** Feeds bytes; true once the response is complete. Bytes past its end make the connection unusable. */
  feed(chunk: Buffer): boolean {
    let at = 0;
    while (at < chunk.length) {
      switch (this.#state) {
        case State.Head: at = this.#readHead(chunk, at); break;
        case State.Fixed: {
          const n = Math.min(this.#remaining, chunk.length - at);
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = State.Done;
          break;
        }
        case State.ChunkSize: at = this.#readLine(chunk, at, State.ChunkSize); break;
        case State.ChunkData: {
          const n = Math.min(this.#remaining, chunk.length - at);
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            this.#state = State.ChunkDataEnd;
            this.#remaining = 2;
          }
          break;
        }
        case State.ChunkDataEnd: {
          const byte = chunk[at++]!;
          if (byte !== (this.#remaining === 2 ? 13 : 10)) throw new HttpParseError('chunk data not followed by CRLF');
          if (--this.#remaining === 0) this.#state = State.ChunkSize;
          break;
        }
        case State.Trailers: at = this.#readLine(chunk, at, State.Trailers); break;
        case State.UntilClose: return false;
        case State.Done:
          // Data after the response we asked for: nothing can be trusted on this connection.
          this.keepAlive = false;
          return true;
      }
    }
    return this.#state === State.Done;
  }

  /** At end of stream: true if that ended the response (a body read until close). */
  finishOnEof(): boolean {
    if (this.#state !== State.UntilClose) return false;
    this.#state = State.Done;
    this.keepAlive = false;
    return true;
  }

  #readHead(chunk: Buffer, at: number): number {
    let buf = chunk;
    let from = at;
    let searchFrom = at;
    if (this.#head) {
      // Join the partial head and search again a few bytes back, in case CRLFCRLF straddles the join.
      searchFrom = Math.max(0, this.#head.length - 3);
      buf = Buffer.concat([this.#head, chunk.subarray(at)]);
      from = 0;
    }
    const end = buf.indexOf(CRLFCRLF, searchFrom);
    if (end < 0) {
      if (buf.length - from > MAX_HEAD_BYTES) throw new HttpParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
      this.#head = buf === chunk ? Buffer.from(chunk.subarray(at)) : buf;
      return chunk.length;
    }
    const consumedOfChunk = end + 4 - (buf === chunk ? at : this.#head!.length);
    this.#head = null;
    this.#parseHead(buf.toString('latin1', from, end));
    return at + consumedOfChunk;
  }

  #parseHead(head: string): void {
    // Under load a server sends the same head again and again (its Date header changes once a second).
    const h = head === this.#lastHead && this.#lastFields ? this.#lastFields : (this.#lastFields = headFields(head));
    this.#lastHead = head;
    this.keepAliveTimeoutS = h.keepAliveTimeoutS;
    const { status } = h;
    if (status < 200 && status !== 101) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows.
      this.#state = State.Head;
      return;
    }
    this.status = status;
    this.keepAlive = h.keepAlive && status !== 101;
    if (this.#noBody || status === 204 || status === 304 || status === 101) this.#state = State.Done;
    else if (h.chunked) this.#state = State.ChunkSize;
    else if (h.length >= 0 && !h.encoded) {
      this.#remaining = h.length;
      this.#state = h.length === 0 ? State.Done : State.Fixed;
    } else {
      this.#state = State.UntilClose;
      this.keepAlive = false;
    }
  }

  /** Reads a CRLF-terminated line (chunk size or trailer), possibly across chunks. */
  #readLine(chunk: Buffer, at: number, state: State): number {
    const lf = chunk.indexOf(10, at);
    if (lf < 0) {
      this.#line += chunk.toString('latin1', at, chunk.length);
      if (this.#line.length > MAX_LINE_BYTES) throw new HttpParseError('chunk-size or trailer line too long');
      return chunk.length;
    }
    const raw = this.#line + chunk.toString('latin1', at, lf);
    this.#line = '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (state === State.Trailers) {
      if (line === '') this.#state = State.Done;
      return lf + 1;
    }
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpParseError(`bad chunk size '${hex.slice(0, 20)}'`);
    const size = parseInt(hex, 16);
    if (size === 0) this.#state = State.Trailers;
    else {
      this.#remaining = size;
      this.#state = State.ChunkData;
    }
    return lf + 1;
  }
}

interface HeadFields {
  status: number;
  keepAlive: boolean;
  keepAliveTimeoutS: number;
  /** content-length, or -1. */
  length: number;
  chunked: boolean;
  /** Any transfer-encoding, which overrides content-length. */
  encoded: boolean;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

function headFields(head: string): HeadFields {
  // "HTTP/1.1 200 OK": version at 0-7, status at 9-11.
  if (!head.startsWith('HTTP/1.') || head.charCodeAt(8) !== 32) throw new HttpParseError(`bad status line '${head.slice(0, 40)}'`);
  const a = head.charCodeAt(9);
  const b = head.charCodeAt(10);
  const c = head.charCodeAt(11);
  if (!isDigit(a) || !isDigit(b) || !isDigit(c) || a === 48) throw new HttpParseError(`bad status in '${head.slice(0, 40)}'`);
  const status = (a - 48) * 100 + (b - 48) * 10 + (c - 48);
  let keepAlive = head.charCodeAt(7) === 49; // HTTP/1.1 defaults to keep-alive, 1.0 to close
  let keepAliveTimeoutS = 0;
  let length = -1;
  let chunked = false;
  let encoded = false;
  let lineStart = head.indexOf('\r\n');
  while (lineStart >= 0) {
    const start = lineStart + 2;
    lineStart = head.indexOf('\r\n', start);
    const lineEnd = lineStart < 0 ? head.length : lineStart;
    const colon = head.indexOf(':', start);
    if (colon < 0 || colon > lineEnd) continue;
    const nameLength = colon - start;
    // Only four header names matter; compare the rest only when the length fits one of them.
    if (nameLength !== 14 && nameLength !== 17 && nameLength !== 10) continue;
    const name = head.slice(start, colon).toLowerCase();
    const value = head.slice(colon + 1, lineEnd).trim().toLowerCase();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (length >= 0 && Number(value) !== length)) throw new HttpParseError(`bad content-length '${value}'`);
      length = Number(value);
    } else if (name === 'transfer-encoding') {
      encoded = true;
      chunked = value.endsWith('chunked');
    } else if (name === 'connection') {
      if (value.includes('close')) keepAlive = false;
      else if (value.includes('keep-alive')) keepAlive = true;
    } else if (name === 'keep-alive') {
      const m = /timeout=(\d+)/.exec(value);
      if (m) keepAliveTimeoutS = Number(m[1]);
    }
  }
  return { status, keepAlive, keepAliveTimeoutS, length, chunked, encoded };
}
