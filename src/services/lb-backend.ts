/**
 * One replica as the load balancer sees it: its pool of keep-alive
 * connections, whether it may take traffic, and its counters.
 */
import net from 'node:net';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
import type { VersionGroup } from './lb-versions.ts';

export interface BackendAddress {
  /** Replica id, e.g. `triage-1`; sent back in `X-Agentup-Replica`. */
  id: string;
  host: string;
  port: number;
  /** The service version it runs; sent back in `X-Agentup-Version`. */
  version?: string;
}

export interface BackendStats extends BackendAddress {
  /** Takes traffic now: enabled by its supervisor and not marked down by a connection error. */
  healthy: boolean;
  enabled: boolean;
  down: boolean;
  /** Responses relayed (any status). */
  requests: number;
  inflight: number;
  /** Connection errors and responses cut short. */
  errors: number;
  byClass: Record<string, number>;
  byStatus: Record<string, number>;
  latency: LatencySummary;
}

/** Whoever is using a backend connection right now; null while it idles in the pool. */
export interface ConnUser {
  onData(chunk: Buffer): void;
  onClose(err: NodeJS.ErrnoException | null): void;
}

/** A pooled connection to a replica. */
export class BackendConn {
  user: ConnUser | null = null;
  /** Served a request before: an error on it may be a stale keep-alive socket, not a dead replica. */
  reused = false;
  /** When it went back to the pool (performance.now()). */
  idleSince = 0;
  /** The TCP connection opened: a request written to it may have reached the replica. */
  connected = false;
  #error: NodeJS.ErrnoException | null = null;

  constructor(readonly socket: net.Socket, private readonly pool: LbBackend) {
    socket.setNoDelay(true);
    socket.once('connect', () => (this.connected = true));
    socket.on('data', (chunk: Buffer) => (this.user ? this.user.onData(chunk) : socket.destroy()));
    socket.on('error', (err) => (this.#error = err));
    socket.on('close', () => {
      this.pool.forget(this);
      const user = this.user;
      this.user = null;
      user?.onClose(this.#error);
    });
  }
}

const MAX_IDLE = 64;
// Node servers close idle keep-alive sockets after 5s by default; dropping ours
// a little earlier avoids writing a request into a socket that is closing.
const MAX_IDLE_MS = 4000;

export class LbBackend {
  enabled = true;
  down = false;
  requests = 0;
  inflight = 0;
  errors = 0;
  byClass: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
  /** Latency since the last takeWindow(), for per-second time series. */
  readonly windowLatency = new LatencyHistogram();
  probeTimer: NodeJS.Timeout | null = null;
  /** The version this replica belongs to, when the service has two. */
  group: VersionGroup | null = null;
  #idle: BackendConn[] = [];
  #all = new Set<BackendConn>();

  /** Header lines naming who answered (replica, and version when there are two). */
  readonly identityLines: string;
  /** The identity lines with the head's closing CRLF, added to every response this replica answers. */
  readonly replicaHeader: Buffer;

  constructor(readonly address: BackendAddress, private readonly overallWindow?: LatencyHistogram) {
    this.identityLines = `x-agentup-replica: ${address.id}\r\n${address.version ? `x-agentup-version: ${address.version}\r\n` : ''}`;
    this.replicaHeader = Buffer.from(`${this.identityLines}\r\n`, 'latin1');
  }

  get usable(): boolean {
    return this.enabled && !this.down;
  }

  /** An idle pooled connection (LIFO: the warmest) or a new one. */
  acquire(user: ConnUser): BackendConn {
    let conn = this.#idle.pop();
    const now = performance.now();
    while (conn && (conn.socket.destroyed || now - conn.idleSince > MAX_IDLE_MS)) {
      conn.socket.destroy();
      conn = this.#idle.pop();
    }
    if (!conn) {
      conn = new BackendConn(net.connect({ host: this.address.host, port: this.address.port }), this);
      this.#all.add(conn);
    }
    conn.user = user;
    return conn;
  }

  release(conn: BackendConn): void {
    conn.user = null;
    conn.reused = true;
    conn.idleSince = performance.now();
    if (conn.socket.destroyed || this.#idle.length >= MAX_IDLE) conn.socket.destroy();
    else this.#idle.push(conn);
  }

  forget(conn: BackendConn): void {
    this.#all.delete(conn);
    const i = this.#idle.indexOf(conn);
    if (i !== -1) this.#idle.splice(i, 1);
  }

  recordResponse(status: number, latencyMs: number): void {
    this.requests += 1;
    const cls = `${Math.floor(status / 100)}xx`;
    this.byClass[cls] = (this.byClass[cls] ?? 0) + 1;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.latency.recordMs(latencyMs);
    this.windowLatency.recordMs(latencyMs);
    this.overallWindow?.recordMs(latencyMs);
    this.group?.record(status, latencyMs);
  }

  /** A connection error or a response cut short. */
  recordError(): void {
    this.errors += 1;
    this.group?.recordError();
  }

  stats(): BackendStats {
    return {
      ...this.address,
      healthy: this.usable,
      enabled: this.enabled,
      down: this.down,
      requests: this.requests,
      inflight: this.inflight,
      errors: this.errors,
      byClass: { ...this.byClass },
      byStatus: { ...this.byStatus },
      latency: this.latency.summary(),
    };
  }

  close(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
    for (const conn of this.#all) conn.socket.destroy();
    this.#idle = [];
  }
}
