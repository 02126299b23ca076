/**
 * Versions behind the load balancer: each version is a group of backends
 * with a weight (percent of requests). A request first picks a version by
 * smooth weighted round robin (nginx's: deterministic, spreads the small
 * share evenly instead of in bursts, O(versions) and allocation-free), then
 * a replica inside it by the usual strategy. Changing weights only changes
 * where the next request goes, so requests in flight finish where they are.
 */
import type { LoadBalancerStrategy } from '../config/types.ts';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
import type { LbBackend } from './lb-backend.ts';
import { pickBackend, type Excluded } from './lb-pick.ts';

/** What one version did over a window: responses, failures (5xx and connection errors), latency. */
export interface VersionWindowStats {
  requests: number;
  failed: number;
  errorRate: number;
  latency: LatencySummary;
}

export class VersionWindow {
  requests = 0;
  failed = 0;
  readonly latency = new LatencyHistogram();

  take(): VersionWindowStats {
    const total = this.requests;
    const out = { requests: total, failed: this.failed, errorRate: total === 0 ? 0 : this.failed / total, latency: this.latency.summary() };
    this.requests = 0;
    this.failed = 0;
    this.latency.reset();
    return out;
  }
}

export interface VersionStats {
  name: string;
  /** Percent of requests sent to it. */
  weight: number;
  replicas: string[];
  healthy: number;
  /** Since start: responses relayed and failures among them (5xx, connection errors). */
  requests: number;
  failed: number;
  inflight: number;
}

export class VersionGroup {
  weight = 0;
  /** Smooth weighted round robin state. */
  current = 0;
  readonly backends: LbBackend[] = [];
  readonly cursor = { value: 0 };
  requests = 0;
  failed = 0;
  /** Read and reset by rollout analysis (one interval) and by its per-second chart (one tick). */
  readonly windows = { analysis: new VersionWindow(), tick: new VersionWindow() };

  constructor(readonly name: string) {}

  get usable(): boolean {
    for (const b of this.backends) if (b.usable) return true;
    return false;
  }

  record(status: number, latencyMs: number): void {
    const failed = status >= 500;
    this.requests += 1;
    if (failed) this.failed += 1;
    for (const w of [this.windows.analysis, this.windows.tick]) {
      w.requests += 1;
      if (failed) w.failed += 1;
      w.latency.recordMs(latencyMs);
    }
  }

  recordError(): void {
    this.requests += 1;
    this.failed += 1;
    this.windows.analysis.requests += 1;
    this.windows.analysis.failed += 1;
    this.windows.tick.requests += 1;
    this.windows.tick.failed += 1;
  }

  stats(): VersionStats {
    let healthy = 0;
    let inflight = 0;
    for (const b of this.backends) {
      if (b.usable) healthy += 1;
      inflight += b.inflight;
    }
    return { name: this.name, weight: this.weight, replicas: this.backends.map((b) => b.address.id), healthy, requests: this.requests, failed: this.failed, inflight };
  }
}

/**
 * A backend of a version chosen by weight; versions with no usable replica
 * sit out. When the chosen version has no replica left but `exclude` (a
 * retry), another version with a weight above 0 answers instead.
 */
export function pickVersioned(groups: VersionGroup[], strategy: LoadBalancerStrategy, exclude: Excluded): LbBackend | null {
  let total = 0;
  let best: VersionGroup | null = null;
  for (const g of groups) {
    if (g.weight <= 0 || !g.usable) continue;
    g.current += g.weight;
    total += g.weight;
    if (best === null || g.current > best.current) best = g;
  }
  if (best === null) return null;
  best.current -= total;
  const picked = pickBackend(best.backends, strategy, best.cursor, exclude);
  if (picked !== null) return picked;
  for (const g of groups) {
    if (g === best || g.weight <= 0) continue;
    const alt = pickBackend(g.backends, strategy, g.cursor, exclude);
    if (alt !== null) return alt;
  }
  return null;
}

/** What a rollout drives: the versions of the load-balanced service and their weights. */
export interface VersionRouting {
  readonly service: string;
  /** Current version first. */
  versions(): VersionStats[];
  /** Percent per version, summing to 100; versions left out get 0. */
  setWeights(weights: Record<string, number>): void;
  /** What each version did since the last call for the same window. */
  takeWindow(window: 'analysis' | 'tick'): Record<string, VersionWindowStats>;
}
