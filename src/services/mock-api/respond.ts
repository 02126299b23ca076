import type { ServerResponse } from 'node:http';

/**
 * Low-level ways to answer, including the broken ones. `done(status)` runs once
 * when the exchange is over: status 0 means the client got no HTTP response.
 */
export type Done = (status: number) => void;
/** A timer the engine can cancel on close. */
export type After = (ms: number, fn: () => void) => void;

export function sendNow(res: ServerResponse, status: number, headers: string[], body: Buffer | string, done: Done): void {
  res.writeHead(status, headers);
  res.end(body);
  done(status);
}

/** The body split in `chunks` pieces written evenly over `durationMs` (chunked encoding). */
export function dribble(
  res: ServerResponse, status: number, headers: string[], pieces: Array<Buffer | string>, durationMs: number,
  after: After, done: Done, cutAfter: number | null = null,
): void {
  res.writeHead(status, headers);
  const gapMs = pieces.length > 1 ? durationMs / (pieces.length - 1) : 0;
  let i = 0;
  const step = (): void => {
    if (res.destroyed) return done(status); // the client went away
    if (cutAfter !== null && i >= cutAfter) {
      // A truncated stream: the connection ends without the closing chunk.
      res.socket?.destroy();
      return done(0);
    }
    if (i >= pieces.length) {
      res.end();
      return done(status);
    }
    res.write(pieces[i++]!);
    if (i < pieces.length || cutAfter !== null) after(gapMs, step);
    else step();
  };
  step();
}

export function splitBody(body: Buffer, chunks: number): Buffer[] {
  const n = Math.max(1, Math.min(chunks, body.length || 1));
  const size = Math.ceil(body.length / n);
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; off += size) out.push(body.subarray(off, off + size));
  return out.length > 0 ? out : [body];
}

/** Closes the connection before any byte of a response (curl: "Empty reply from server"). */
export function emptyReply(res: ServerResponse, done: Done): void {
  res.socket?.destroy();
  done(0);
}

/** Headers promise the whole body; half of it arrives, then a TCP RST. */
export function resetMidBody(res: ServerResponse, status: number, headers: string[], body: Buffer, done: Done): void {
  const withLength = stripLength(headers);
  withLength.push('content-length', String(body.length));
  res.writeHead(status, withLength);
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
    const socket = res.socket;
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket?.destroy();
    done(0);
  });
}

/** Valid HTTP, invalid JSON: the body is cut short and left unclosed. */
export function malformJson(body: Buffer): Buffer {
  const cut = Math.max(1, Math.floor(body.length * 0.6));
  return Buffer.concat([body.subarray(0, cut), Buffer.from('"\u0000,')]);
}

export function stripLength(headers: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== 'content-length') out.push(headers[i]!, headers[i + 1]!);
  }
  return out;
}
