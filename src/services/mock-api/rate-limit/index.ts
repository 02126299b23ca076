import type { RateLimitSpec } from '../types.ts';
import { ConcurrencyLimiter } from './concurrency.ts';
import { FixedWindowLimiter } from './fixed-window.ts';
import type { Limiter } from './limiter.ts';
import { SlidingWindowLimiter } from './sliding-window.ts';
import { TokenBucketLimiter } from './token-bucket.ts';

export type { Limiter, LimitState } from './limiter.ts';

/** The registry: one limiter class per algorithm. */
export function createLimiter(spec: RateLimitSpec): Limiter {
  switch (spec.algorithm) {
    case 'fixed_window':
    case 'quota':
      return new FixedWindowLimiter(spec);
    case 'sliding_window':
      return new SlidingWindowLimiter(spec);
    case 'token_bucket':
      return new TokenBucketLimiter(spec);
    case 'concurrency':
      return new ConcurrencyLimiter(spec);
  }
}
