/**
 * Keep-alive connections for the engine (http-connection.ts: one socket,
 * one request at a time each), reused last-in first-out, as many as the peak
 * number of requests in flight (which maxInFlight bounds).
 *
 * At most MAX_CONNECTING connects are under way: opening hundreds at once
 * overflows a server's accept backlog; the kernel drops the SYNs and retries
 * after 1 s, then 3 s, so latency jumps to seconds, more requests pile up,
 * and it spirals (seen at 5,000/s on this machine, with TcpExtListenDrops
 * counting). acquire() returns null beyond that and onAvailable() says when
 * to try again. The waiting request keeps its intended time, so the wait
 * shows in its latency. Requests never queue behind another request on one
 * connection.
 */
import { HttpConnection, type ConnectionOwner, type Target } from './http-connection.ts';

const MAX_CONNECTING = 32;

export interface ConnectionEvents {
  /** A request ended: `status` with err null, or a transport error. */
  onResult(exchange: unknown, status: number, err: Error | null): void;
  /** A connection or a connect slot came free. */
  onAvailable(): void;
}

export class Connections implements ConnectionOwner {
  readonly #idle: HttpConnection[] = [];
  readonly #all = new Set<HttpConnection>();
  #connecting = 0;
  #closed = false;

  constructor(
    private readonly target: Target,
    private readonly events: ConnectionEvents,
  ) {}

  /** Connections open or opening. */
  get size(): number {
    return this.#all.size;
  }

  /** An idle connection, a new one, or null while MAX_CONNECTING connects are under way. */
  acquire(): HttpConnection | null {
    for (let conn = this.#idle.pop(); conn; conn = this.#idle.pop()) {
      if (conn.dead) continue;
      // The server may be closing it just now: a request written into that race would fail for nothing.
      if (performance.now() - conn.idleSinceMs < conn.keepAliveMs) return conn;
      conn.destroy();
    }
    if (this.#connecting >= MAX_CONNECTING) return null;
    const conn = new HttpConnection(this.target, this);
    this.#all.add(conn);
    this.#connecting++;
    return conn;
  }

  /** Writes a request on `conn` for `exchange`. */
  send(conn: HttpConnection, exchange: unknown, bytes: Buffer, noBody: boolean): void {
    conn.exchange = exchange;
    conn.send(bytes, noBody);
  }

  onConnect(): void {
    this.#connecting--;
    if (this.#closed) return;
    this.events.onAvailable();
  }

  onResponse(conn: HttpConnection, status: number, reusable: boolean): void {
    if (this.#closed) return;
    const exchange = conn.exchange;
    conn.exchange = null;
    if (reusable) {
      conn.idleSinceMs = performance.now();
      this.#idle.push(conn);
    } else this.#all.delete(conn);
    this.events.onResult(exchange, status, null);
    if (reusable) this.events.onAvailable();
  }

  onClosed(conn: HttpConnection, err: Error | null): void {
    if (this.#closed) return;
    this.#all.delete(conn);
    const wasConnecting = conn.connecting;
    if (wasConnecting) {
      conn.connecting = false;
      this.#connecting--;
    }
    const exchange = conn.exchange;
    conn.exchange = null;
    if (err && exchange) this.events.onResult(exchange, 0, err);
    // An idle connection closing frees nothing anyone waits for; saying so from inside acquire() would re-enter the engine.
    if (wasConnecting || exchange) this.events.onAvailable();
  }

  close(): void {
    this.#closed = true;
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    this.#connecting = 0;
    for (const conn of all) {
      conn.exchange = null;
      conn.destroy();
    }
  }
}
