/**
 * Counts and latencies of a run: totals, one HdrHistogram for the whole run
 * (microseconds, 3 significant digits) and one per second for the time series.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { ErrorKind, LatencyFigures, LoadSecond, LoadSnapshot } from './types.ts';

const newHistogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true, useWebAssembly: false });

function bump<K extends string>(counts: Partial<Record<K, number>>, key: K, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

function figures(h: Histogram): LatencyFigures {
  const empty = h.totalCount === 0;
  const at = (p: number) => (empty ? 0 : h.getValueAtPercentile(p) / 1000);
  return {
    count: h.totalCount,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: empty ? 0 : h.maxValue / 1000,
    meanMs: empty ? 0 : Math.round(h.mean) / 1000,
  };
}

function statusCounts(counts: Uint32Array): Record<string, number> {
  const out: Record<string, number> = {};
  counts.forEach((n, code) => {
    if (n > 0) out[String(code)] = n;
  });
  return out;
}

export class Recorder {
  readonly seconds: LoadSecond[] = [];
  sent = 0;
  ok = 0;
  failed = 0;
  dropped = 0;
  /** Responses by status code, as an array on the hot path; objects only when reported. */
  readonly #statusAll = new Uint32Array(600);
  readonly #statusSecond = new Uint32Array(600);
  readonly byError: Partial<Record<ErrorKind, number>> = {};
  readonly #all = newHistogram();
  readonly #second = newHistogram();
  #current: LoadSecond;
  #secondEndMs = 1000;

  constructor(
    private readonly rateAt: (ms: number) => number,
    private readonly onTick: (second: LoadSecond) => void,
  ) {
    this.#current = this.#fresh(0);
  }

  #fresh(t: number): LoadSecond {
    return { t, targetRate: this.rateAt(t * 1000), sent: 0, ok: 0, errors: 0, dropped: 0, achievedRate: 0, p50Ms: 0, p99Ms: 0, byStatus: {}, byError: {} };
  }

  /** Closes every second that ended by `nowMs`; called on each event and by a timer when idle. */
  roll(nowMs: number): void {
    while (nowMs >= this.#secondEndMs) this.#close(1000);
  }

  #close(lengthMs: number): void {
    const s = this.#current;
    const stats = figures(this.#second);
    s.byStatus = statusCounts(this.#statusSecond);
    this.#statusSecond.fill(0);
    s.p50Ms = stats.p50Ms;
    s.p99Ms = stats.p99Ms;
    s.achievedRate = lengthMs > 0 ? Math.round((s.sent * 1000 * 100) / lengthMs) / 100 : 0;
    this.seconds.push(s);
    this.#second.reset();
    this.#current = this.#fresh(s.t + 1);
    this.#secondEndMs += 1000;
    this.onTick(s);
  }

  /** Closes the last, partial second (if anything happened in it). */
  finish(nowMs: number): void {
    this.roll(nowMs);
    const c = this.#current;
    const lengthMs = nowMs - c.t * 1000;
    if (c.sent + c.ok + c.errors + c.dropped > 0 || lengthMs >= 500) this.#close(lengthMs);
  }

  recordSent(nowMs: number): void {
    this.roll(nowMs);
    this.sent++;
    this.#current.sent++;
  }

  recordDropped(n: number, nowMs: number): void {
    this.roll(nowMs);
    this.dropped += n;
    this.#current.dropped += n;
  }

  recordResponse(status: number, ok: boolean, latencyMs: number, nowMs: number): void {
    this.roll(nowMs);
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.#all.recordValue(us);
    this.#second.recordValue(us);
    const c = this.#current;
    const code = status >= 0 && status < 600 ? status : 0;
    this.#statusAll[code]!++;
    this.#statusSecond[code]!++;
    if (ok) {
      this.ok++;
      c.ok++;
    } else {
      this.failed++;
      c.errors++;
    }
  }

  recordError(kind: ErrorKind, nowMs: number): void {
    this.roll(nowMs);
    this.failed++;
    this.#current.errors++;
    bump(this.byError, kind);
    bump(this.#current.byError, kind);
  }

  snapshot(elapsedMs: number, currentRate: number, scheduled: number, inFlight: number): LoadSnapshot {
    return {
      elapsedMs,
      currentRate,
      scheduled,
      sent: this.sent,
      inFlight,
      ok: this.ok,
      failed: this.failed,
      dropped: this.dropped,
      byStatus: statusCounts(this.#statusAll),
      byError: { ...this.byError },
      latency: figures(this.#all),
    };
  }

  encodedHistogram(): string {
    return encodeIntoCompressedBase64(this.#all);
  }
}
