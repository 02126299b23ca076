/**
 * One replica as the load balancer sees it: its keep-alive connection pool,
 * whether it may take traffic, and its counters.
 */
import http from 'node:http';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';

export interface BackendAddress {
  /** Replica id, e.g. `triage-1`; sent back in `X-Agentup-Replica`. */
  id: string;
  host: string;
  port: number;
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

export class LbBackend {
  readonly agent: http.Agent;
  enabled = true;
  down = false;
  requests = 0;
  inflight = 0;
  errors = 0;
  byClass: Record<string, number> = {};
  byStatus: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
  probeTimer: NodeJS.Timeout | null = null;

  constructor(readonly address: BackendAddress) {
    // LIFO keeps a few hot sockets busy instead of cycling all of them.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });
  }

  get usable(): boolean {
    return this.enabled && !this.down;
  }

  recordResponse(status: number, latencyMs: number): void {
    this.requests += 1;
    const cls = `${Math.floor(status / 100)}xx`;
    this.byClass[cls] = (this.byClass[cls] ?? 0) + 1;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.latency.recordMs(latencyMs);
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
    this.agent.destroy();
  }
}
