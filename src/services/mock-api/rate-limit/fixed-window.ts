import type { RateLimitSpec } from '../types.ts';
import type { LimitState, Limiter } from './limiter.ts';

interface Window {
  startMs: number;
  endMs: number;
  used: number;
}

/**
 * A counter per window. `fixed_window` windows start at the first request after
 * the previous one ended (GitHub-style reset), so a burst never straddles two
 * windows; `quota` windows are UTC calendar days or months.
 */
export class FixedWindowLimiter implements Limiter {
  private windows = new Map<string, Window>();

  constructor(readonly spec: RateLimitSpec) {}

  private current(key: string, nowMs: number): Window {
    let w = this.windows.get(key);
    if (!w || nowMs >= w.endMs) {
      const [startMs, endMs] = this.spec.algorithm === 'quota' ? calendarPeriod(this.spec.period, nowMs) : [nowMs, nowMs + this.spec.windowMs];
      w = { startMs, endMs, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  check(key: string, cost: number, nowMs: number): LimitState & { ok: boolean } {
    const w = this.current(key, nowMs);
    const ok = w.used + cost <= this.spec.limit;
    const resetMs = w.endMs - nowMs;
    return {
      ok,
      limit: this.spec.limit,
      remaining: Math.max(0, this.spec.limit - w.used - (ok ? cost : 0)),
      resetMs,
      retryAfterMs: ok ? 0 : resetMs,
    };
  }

  commit(key: string, cost: number, nowMs: number): void {
    this.current(key, nowMs).used += cost;
  }

  release(): void {}

  reset(): void {
    this.windows = new Map();
  }
}

export function calendarPeriod(period: 'day' | 'month', nowMs: number): [number, number] {
  const d = new Date(nowMs);
  if (period === 'day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return [start, start + 86_400_000];
  }
  return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
}
