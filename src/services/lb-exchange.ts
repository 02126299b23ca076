/**
 * One request/response through the load balancer: writes the request to a
 * pooled replica connection, relays the response bytes back, and decides
 * what a failure means (mark down, retry on another replica, or 502).
 */
import { BodyCursor, hasToken, parseHead, responseFraming, type BodyFraming } from './lb-http-parse.ts';
import type { BackendConn, ConnUser, LbBackend } from './lb-backend.ts';
import type { ClientConn } from './lb-connection.ts';
import { BodyCopy, mayRetry, retryReason } from './lb-retry.ts';

export interface OutRequest {
  method: string;
  /** The head to send, already rewritten (X-Forwarded-For, hop-by-hop removed). */
  head: Buffer;
  hasBody: boolean;
  /** Keep a copy of the body so the request can be retried (retries on, body within the cap). */
  keepBody: boolean;
  upgrade: boolean;
  /** The client asked to close after this response. */
  closeAfter: boolean;
  http10: boolean;
}

const EMPTY: Buffer = Buffer.alloc(0);

function reasonOf(err: NodeJS.ErrnoException | null): string {
  if (err === null || err.code === 'ECONNRESET') return 'connection reset';
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  return err.code ?? err.message;
}

export class Exchange implements ConnUser {
  #backend: LbBackend;
  #conn: BackendConn;
  #retries = 0;
  /** Replicas this request failed on, when it may be retried more than once. */
  #tried: LbBackend[] = [];
  #body: BodyCopy | null;
  #gotBytes = false;
  #respBuf: Buffer = EMPTY;
  #cursor: BodyCursor | null = null;
  /** The rewritten response head, sent together with the first body bytes. */
  #pendingHead: Buffer | null = null;
  #status = 0;
  #reuse = true;
  #done = false;
  #tunnel = false;
  #closeClient: boolean;
  #clientPaused = false;
  #backendPaused = false;
  readonly #t0 = performance.now();

  constructor(private readonly client: ClientConn, backend: LbBackend, private readonly req: OutRequest) {
    this.#closeClient = req.closeAfter;
    this.#body = req.keepBody ? new BodyCopy(client.ctx.retry!.maxBodyBytes) : null;
    this.#backend = backend;
    this.#conn = this.#begin(backend);
  }

  #begin(backend: LbBackend): BackendConn {
    this.#backend = backend;
    backend.inflight += 1;
    const conn = backend.acquire(this);
    conn.socket.write(this.req.head);
    return conn;
  }

  /** Request body bytes from the client, with backpressure. */
  writeBody(part: Buffer): void {
    if (this.#done) return;
    if (this.#tunnel) return void this.#conn.socket.write(part);
    if (this.#body !== null) this.#body.add(part);
    if (!this.#conn.socket.write(part) && !this.#clientPaused) {
      this.#clientPaused = true;
      this.client.socket.pause();
      this.#conn.socket.once('drain', () => {
        this.#clientPaused = false;
        this.client.socket.resume();
      });
    }
  }

  #toClient(buf: Buffer): void {
    if (!this.client.socket.write(buf) && !this.#backendPaused) {
      this.#backendPaused = true;
      this.#conn.socket.pause();
      this.client.socket.once('drain', () => {
        this.#backendPaused = false;
        this.#conn.socket.resume();
      });
    }
  }

  onData(chunk: Buffer): void {
    if (this.#done && !this.#tunnel) return;
    if (!this.#gotBytes && this.#body !== null) {
      // The replica answered: the request will not be replayed, so let the copy go.
      this.#body.drop();
      this.#body = null;
    }
    this.#gotBytes = true;
    if (this.#tunnel) return this.#toClient(chunk);
    if (this.#cursor === null) {
      this.#respBuf = this.#respBuf.length === 0 ? chunk : Buffer.concat([this.#respBuf, chunk]);
      chunk = this.#readHeads();
      if (this.#cursor === null || this.#tunnel) return;
    }
    const { end, done } = this.#cursor.take(chunk);
    const body = end === chunk.length ? chunk : chunk.subarray(0, end);
    const head = this.#pendingHead;
    // A small response's head and body leave in one write: one syscall, one packet.
    if (head !== null) {
      this.#pendingHead = null;
      this.#toClient(end > 0 ? Buffer.concat([head, body]) : head);
    } else if (end > 0) this.#toClient(body);
    if (done) {
      // Bytes past the end of the response: the replica broke framing; don't reuse it.
      if (end < chunk.length) this.#reuse = false;
      this.#finish();
    }
  }

  /** Consumes response heads (1xx ones too); returns what follows the final head. */
  #readHeads(): Buffer {
    for (;;) {
      let head;
      try {
        head = parseHead(this.#respBuf);
      } catch {
        this.#reuse = false;
        this.#fail(new Error('malformed response'));
        return EMPTY;
      }
      if (head === null) return EMPTY;
      const status = Number(head.startLine.slice(9, 12));
      if (!head.startLine.startsWith('HTTP/1.') || !(status >= 100)) {
        this.#reuse = false;
        this.#fail(new Error('malformed response'));
        return EMPTY;
      }
      const rest = this.#respBuf.subarray(head.length);
      const raw = this.#respBuf.subarray(0, head.length);
      if (status >= 100 && status < 200 && !(status === 101 && this.req.upgrade)) {
        this.#toClient(raw);
        this.#respBuf = rest;
        continue;
      }
      this.#respBuf = EMPTY;
      this.#status = status;
      // Forwarded as received, plus who answered (and `connection: close` when we will close).
      const extra = this.#backend.identityLines;
      if (status === 101) {
        this.#toClient(Buffer.concat([raw.subarray(0, raw.length - 2), this.#backend.replicaHeader]));
        this.#startTunnel(rest);
        return EMPTY;
      }
      let framing: BodyFraming;
      try {
        framing = responseFraming(head, status, this.req.method);
      } catch {
        framing = { kind: 'close' };
      }
      const replicaCloses = hasToken(head.connection, 'close');
      if (framing.kind === 'close' || replicaCloses) {
        this.#reuse = false;
        // The client sees the replica's `connection: close` and will not reuse its connection either.
        this.#closeClient = true;
      }
      const tail = this.#closeClient && !replicaCloses ? Buffer.from(`${extra}connection: close\r\n\r\n`, 'latin1') : this.#backend.replicaHeader;
      this.#pendingHead = Buffer.concat([raw.subarray(0, raw.length - 2), tail]);
      this.#cursor = new BodyCursor(framing);
      return rest;
    }
  }

  #startTunnel(rest: Buffer): void {
    this.#tunnel = true;
    this.#backend.recordResponse(101, performance.now() - this.#t0);
    if (rest.length > 0) this.client.socket.write(rest);
    this.client.startTunnel(this);
  }

  onClose(err: NodeJS.ErrnoException | null): void {
    if (this.#tunnel) {
      this.#done = true;
      this.#backend.inflight -= 1;
      this.client.socket.destroy();
      return;
    }
    if (this.#done) return;
    if (this.#cursor?.framing.kind === 'close') {
      this.#reuse = false;
      return this.#finish();
    }
    if (!this.#gotBytes) return this.#fail(err);
    // Cut off mid-response: nothing sensible to send, so cut the client off too.
    this.#done = true;
    this.#backend.inflight -= 1;
    this.#backend.recordError();
    this.client.socket.destroy();
  }

  #fail(err: NodeJS.ErrnoException | Error | null): void {
    const backend = this.#backend;
    const conn = this.#conn;
    const stale = conn.reused;
    backend.inflight -= 1;
    backend.recordError();
    conn.user = null;
    conn.socket.destroy();
    const badResponse = err instanceof Error && !('code' in err);
    const reason = badResponse ? err.message : reasonOf(err as NodeJS.ErrnoException | null);
    // A pooled socket the replica closed while idle says nothing about the replica.
    if (!stale) this.client.ctx.markDown(backend, reason);
    const why = retryReason(conn.connected, badResponse);
    const ctx = this.client.ctx;
    if (mayRetry(ctx.retry, why, this.#retries, this.req.hasBody, this.#body?.kept === true)) {
      this.#tried.push(backend);
      // Never the replica that failed; the same one only after a stale pooled socket (the pool's fault, not the replica's).
      const alt = ctx.pick(this.#tried.length === 1 ? backend : this.#tried) ?? (stale && backend.usable ? backend : null);
      if (alt) {
        this.#retries += 1;
        ctx.countRetry(why, backend, alt, this.req.method);
        if (this.#clientPaused) {
          // The drain it waited for belonged to the dead connection.
          this.#clientPaused = false;
          this.client.socket.resume();
        }
        this.#conn = this.#begin(alt);
        this.#body?.replay(this.#conn.socket);
        return;
      }
    }
    this.#done = true;
    this.client.sendError(502, { error: `replica ${backend.address.id} failed: ${reason}`, replica: backend.address.id });
  }

  #finish(): void {
    this.#done = true;
    const backend = this.#backend;
    backend.inflight -= 1;
    backend.recordResponse(this.#status, performance.now() - this.#t0);
    if (this.#backendPaused) this.#conn.socket.resume();
    if (this.#reuse && !this.#conn.socket.destroyed) backend.release(this.#conn);
    else {
      this.#conn.user = null;
      this.#conn.socket.destroy();
    }
    this.client.responseDone(this.#closeClient);
  }

  /** The client went away: drop the replica connection mid-exchange. */
  abort(): void {
    if (this.#done && !this.#tunnel) return;
    if (!this.#done) this.#backend.inflight -= 1;
    this.#done = true;
    this.#tunnel = false;
    this.#conn.user = null;
    this.#conn.socket.destroy();
  }
}
