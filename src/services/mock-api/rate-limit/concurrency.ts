import type { RateLimitSpec } from '../types.ts';
import type { LimitState, Limiter } from './limiter.ts';

/** At most `limit` requests in flight per key; a slot frees when its response ends. */
export class ConcurrencyLimiter implements Limiter {
  private inFlight = new Map<string, number>();

  constructor(readonly spec: RateLimitSpec) {}

  check(key: string, _cost: number): LimitState & { ok: boolean } {
    const used = this.inFlight.get(key) ?? 0;
    const ok = used + 1 <= this.spec.limit;
    return {
      ok,
      limit: this.spec.limit,
      remaining: Math.max(0, this.spec.limit - used - (ok ? 1 : 0)),
      resetMs: 0,
      // No way to know when a slot frees; one second is what most APIs suggest.
      retryAfterMs: ok ? 0 : 1000,
    };
  }

  commit(key: string): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const n = (this.inFlight.get(key) ?? 0) - 1;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }

  reset(): void {
    // In-flight requests still release into the new map; clamp keeps it at >= 0.
    this.inFlight = new Map();
  }
}
