import type { RateLimitSpec } from '../types.ts';
import type { LimitState, Limiter } from './limiter.ts';

/** Admitted requests still inside the window, oldest first. */
class Log {
  times: number[] = [];
  costs: number[] = [];
  head = 0;
  used = 0;

  evict(cutoffMs: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= cutoffMs) {
      this.used -= this.costs[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.costs = this.costs.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * An exact sliding log: in any span of `window` at most `limit` units are
 * admitted, including across what a fixed window would call its edge.
 */
export class SlidingWindowLimiter implements Limiter {
  private logs = new Map<string, Log>();

  constructor(readonly spec: RateLimitSpec) {}

  private log(key: string, nowMs: number): Log {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new Log()));
    log.evict(nowMs - this.spec.windowMs);
    return log;
  }

  check(key: string, cost: number, nowMs: number): LimitState & { ok: boolean } {
    const log = this.log(key, nowMs);
    const ok = log.used + cost <= this.spec.limit;
    let retryAfterMs = 0;
    if (!ok) {
      // Walk forward until enough old entries would have expired.
      let freed = 0;
      retryAfterMs = this.spec.windowMs;
      for (let i = log.head; i < log.times.length; i++) {
        freed += log.costs[i]!;
        if (log.used - freed + cost <= this.spec.limit) {
          retryAfterMs = log.times[i]! + this.spec.windowMs - nowMs;
          break;
        }
      }
    }
    const oldest = log.head < log.times.length ? log.times[log.head]! : nowMs;
    return {
      ok,
      limit: this.spec.limit,
      remaining: Math.max(0, this.spec.limit - log.used - (ok ? cost : 0)),
      resetMs: oldest + this.spec.windowMs - nowMs,
      retryAfterMs,
    };
  }

  commit(key: string, cost: number, nowMs: number): void {
    const log = this.log(key, nowMs);
    log.times.push(nowMs);
    log.costs.push(cost);
    log.used += cost;
  }

  release(): void {}

  reset(): void {
    this.logs = new Map();
  }
}
