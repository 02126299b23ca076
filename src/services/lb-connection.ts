/**
 * One client connection to the load balancer. Requests are parsed just far
 * enough to pick a replica and find where they end, then forwarded as bytes;
 * keep-alive and pipelined requests are served one after another. Working on
 * bytes instead of node:http objects is what keeps the proxy's added latency
 * small (see bench/load-balancer.ts).
 */
import type net from 'node:net';
import { randomUUID } from 'node:crypto';
import { BodyCursor, hasToken, parseHead, requestFraming, type MessageHead } from './lb-http-parse.ts';
import { Exchange } from './lb-exchange.ts';
import type { LbBackend } from './lb-backend.ts';
import type { Excluded } from './lb-pick.ts';
import type { RetryPolicy, RetryReason } from './lb-retry.ts';

export interface LbContext {
  /** A usable backend per the strategy, other than `exclude`; null if none. */
  pick(exclude: Excluded): LbBackend | null;
  markDown(backend: LbBackend, reason: string): void;
  countRejected(): void;
  /** A request that failed on `from` goes to `to`. */
  countRetry(reason: RetryReason, from: LbBackend, to: LbBackend, method: string): void;
  /** `load_balancer.retries`; null for the default (bodiless requests retried once). */
  retry: RetryPolicy | null;
  service: string | undefined;
}

const EMPTY: Buffer = Buffer.alloc(0);
/** Pipelined bytes buffered while a response is pending before we stop reading. */
const MAX_BUFFERED = 1024 * 1024;
const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large', 502: 'Bad Gateway', 503: 'Service Unavailable' };

export class ClientConn {
  #buf: Buffer = EMPTY;
  #phase: 'head' | 'body' | 'response' | 'tunnel' | 'closed' = 'head';
  #exchange: Exchange | null = null;
  #body: BodyCursor | null = null;
  /** Set when the current request's body cannot be relayed: close after answering. */
  #closeAfter = false;

  constructor(readonly socket: net.Socket, readonly ctx: LbContext) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#phase = 'closed';
      this.#exchange?.abort();
      this.#exchange = null;
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#phase === 'tunnel') return this.#exchange?.writeBody(chunk);
    if (this.#phase === 'closed') return;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    this.#pump();
  }

  #pump(): void {
    for (;;) {
      if (this.#phase === 'head') {
        if (this.#buf.length === 0) return;
        let head: MessageHead | null;
        try {
          head = parseHead(this.#buf);
        } catch (err) {
          const tooLarge = (err as Error).message.includes('too large');
          return this.#reject(tooLarge ? 431 : 400, (err as Error).message);
        }
        if (head === null) return;
        const raw = this.#buf.subarray(0, head.length);
        this.#buf = this.#buf.subarray(head.length);
        this.#startRequest(head, raw);
        continue;
      }
      if (this.#phase === 'body') {
        if (this.#buf.length === 0) return;
        const { end, done } = this.#body!.take(this.#buf);
        if (end > 0) this.#exchange?.writeBody(this.#buf.subarray(0, end));
        this.#buf = this.#buf.subarray(end);
        if (!done) return;
        this.#body = null;
        this.#phase = 'response';
        continue;
      }
      if (this.#phase === 'response' && this.#buf.length > MAX_BUFFERED) this.socket.pause();
      return;
    }
  }

  #startRequest(head: MessageHead, raw: Buffer): void {
    const [method, target, version] = head.startLine.split(' ');
    if (!method || !target || !version || !version.startsWith('HTTP/1.')) return this.#reject(400, 'malformed request line');
    let framing;
    try {
      framing = requestFraming(head);
    } catch (err) {
      return this.#reject(400, (err as Error).message);
    }
    const connection = head.connection;
    const http10 = version === 'HTTP/1.0';
    const closeAfter = http10 ? !hasToken(connection, 'keep-alive') : hasToken(connection, 'close');
    const upgrade = head.upgrade !== undefined && hasToken(connection, 'upgrade');
    const hasBody = framing.kind !== 'none';
    this.#body = hasBody ? new BodyCursor(framing) : null;
    this.#phase = hasBody ? 'body' : 'response';
    this.#closeAfter = closeAfter;
    const backend = this.ctx.pick(null);
    if (!backend) {
      this.ctx.countRejected();
      const who = this.ctx.service ? ` of ${this.ctx.service}` : '';
      return this.sendError(503, { error: `no healthy replica${who}` });
    }
    // The head goes out as received plus one X-Forwarded-For line; a client's own
    // X-Forwarded-For stays, and repeated lines read as one comma-joined list.
    // Like Envoy, a request without an X-Request-Id gets one, so a retried
    // request reaches the next replica with the id the first one saw.
    const peer = this.socket.remoteAddress ?? '127.0.0.1';
    const rid = head.hasRequestId ? '' : `x-request-id: ${randomUUID()}\r\n`;
    const added = Buffer.from(`x-forwarded-for: ${peer}\r\n${rid}\r\n`, 'latin1');
    const retry = this.ctx.retry;
    // Only a body that may be replayed is kept: no copy with retries off or over the cap.
    const keepBody = hasBody && retry !== null && retry.attempts > 0 && (framing.kind !== 'length' || framing.remaining <= retry.maxBodyBytes);
    const req = { method, head: Buffer.concat([raw.subarray(0, raw.length - 2), added]), hasBody, keepBody, upgrade, closeAfter, http10 };
    this.#exchange = new Exchange(this, backend, req);
  }

  /** A JSON error answer from the proxy itself (`{"error": ..., "status": N}`). */
  sendError(status: number, body: Record<string, unknown>): void {
    if (this.#phase === 'closed') return;
    // An unread request body cannot be skipped reliably once we stop relaying it.
    const close = this.#closeAfter || this.#phase === 'body';
    const text = JSON.stringify({ ...body, status });
    const head =
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
    this.socket.write(head + text);
    this.responseDone(close);
  }

  #reject(status: number, message: string): void {
    this.#closeAfter = true;
    this.sendError(status, { error: message });
  }

  /** The current response is complete: close, or go on with the next request. */
  responseDone(close: boolean): void {
    this.#exchange = null;
    if (close || this.#closeAfter || this.#phase === 'body') {
      this.#phase = 'closed';
      this.socket.end();
      return;
    }
    this.#phase = 'head';
    this.socket.resume();
    if (this.#buf.length > 0) this.#pump();
  }

  startTunnel(exchange: Exchange): void {
    this.#phase = 'tunnel';
    const pending = this.#buf;
    this.#buf = EMPTY;
    if (pending.length > 0) exchange.writeBody(pending);
  }
}
