import type { RateLimitSpec } from '../types.ts';

/** What a limiter says about one request; ms figures are relative to now. */
export interface LimitState {
  limit: number;
  /** Left after this request (if admitted) or now (if refused). */
  remaining: number;
  /** Until the limit is fully available again (window end, bucket full). */
  resetMs: number;
  /** Until a request of the same cost would be admitted; 0 when admitted. */
  retryAfterMs: number;
}

/**
 * Two-phase so several limits on one route stay consistent: `check` every
 * limit first, then `commit` all of them only if all admit, so a request
 * refused by one limit is not counted by another. Node runs a request's
 * check+commit without yielding, so 100 concurrent clients cannot interleave.
 */
export interface Limiter {
  readonly spec: RateLimitSpec;
  check(key: string, cost: number, nowMs: number): LimitState & { ok: boolean };
  commit(key: string, cost: number, nowMs: number): void;
  /** Concurrency limits give the slot back when the response ends. */
  release(key: string, cost: number): void;
  reset(): void;
}
