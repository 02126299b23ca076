import type { RateLimitSpec } from '../types.ts';
import type { LimitState, Limiter } from './limiter.ts';

interface Bucket {
  tokens: number;
  lastMs: number;
}

/** Starts full at `limit` tokens and refills `refill_per_second` continuously. */
export class TokenBucketLimiter implements Limiter {
  private buckets = new Map<string, Bucket>();

  constructor(readonly spec: RateLimitSpec) {}

  private bucket(key: string, nowMs: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: this.spec.limit, lastMs: nowMs }));
    if (nowMs > b.lastMs) {
      b.tokens = Math.min(this.spec.limit, b.tokens + ((nowMs - b.lastMs) / 1000) * this.spec.refillPerSecond);
      b.lastMs = nowMs;
    }
    return b;
  }

  private msFor(tokens: number): number {
    if (tokens <= 0) return 0;
    return this.spec.refillPerSecond > 0 ? (tokens / this.spec.refillPerSecond) * 1000 : 86_400_000;
  }

  check(key: string, cost: number, nowMs: number): LimitState & { ok: boolean } {
    const b = this.bucket(key, nowMs);
    const ok = b.tokens >= cost;
    const after = ok ? b.tokens - cost : b.tokens;
    return {
      ok,
      limit: this.spec.limit,
      remaining: Math.floor(after),
      resetMs: this.msFor(this.spec.limit - after),
      retryAfterMs: ok ? 0 : this.msFor(cost - b.tokens),
    };
  }

  commit(key: string, cost: number, nowMs: number): void {
    this.bucket(key, nowMs).tokens -= cost;
  }

  release(): void {}

  reset(): void {
    this.buckets = new Map();
  }
}
