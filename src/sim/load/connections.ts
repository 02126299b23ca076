/**
 * Keep-alive connections for the engine: undici Clients (one socket, one
 * request at a time each), reused last-in first-out, as many as the peak
 * number of requests in flight (which maxInFlight bounds).
 *
 * Why not undici's Pool: it cannot bound how many connects are under way.
 * Opening hundreds of connections at once overflows a server's accept
 * backlog; the kernel drops the SYNs and retries after 1 s, then 3 s, so
 * latency jumps to seconds, more requests pile up, and it spirals (seen at
 * 5,000/s on this machine, with TcpExtListenDrops counting). So at most
 * MAX_CONNECTING connects are under way; acquire() returns null beyond that
 * and onAvailable() says when to try again. The waiting request keeps its
 * intended time, so the wait shows in its latency. Requests never queue
 * behind another request on one connection.
 */
import { Client } from 'undici';

const MAX_CONNECTING = 32;

export class Connections {
  readonly #idle: Client[] = [];
  readonly #all = new Set<Client>();
  readonly #connecting = new Set<Client>();
  readonly #options: ConstructorParameters<typeof Client>[1];

  constructor(
    private readonly origin: string,
    timeoutMs: number,
    private readonly onAvailable: () => void,
  ) {
    this.#options = { pipelining: 1, connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 30_000 };
  }

  /** Connections open or opening. */
  get size(): number {
    return this.#all.size;
  }

  /** An idle connection, a new one, or null while MAX_CONNECTING connects are under way. */
  acquire(): Client | null {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#connecting.size >= MAX_CONNECTING) return null;
    const client = new Client(this.origin, this.#options);
    this.#all.add(client);
    this.#connecting.add(client);
    const settled = () => {
      if (this.#connecting.delete(client)) this.onAvailable();
    };
    client.once('connect', settled);
    // The request's handler gets the error too; this only ends the connecting state.
    client.on('connectionError', settled);
    return client;
  }

  /** After its request ends: back to the free list when healthy, closed after a transport error. */
  release(client: Client, healthy: boolean): void {
    if (healthy && !client.destroyed && !client.closed) {
      this.#idle.push(client);
      this.onAvailable();
      return;
    }
    this.#all.delete(client);
    this.#connecting.delete(client);
    void client.destroy().catch(() => {});
  }

  async close(): Promise<void> {
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    this.#connecting.clear();
    await Promise.all(all.map((c) => c.destroy().catch(() => {})));
  }
}
