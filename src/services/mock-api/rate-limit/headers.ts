import type { RateLimitSpec } from '../types.ts';
import type { LimitState } from './limiter.ts';

/**
 * Response headers a limit adds, as flat [name, value, name, value...] pairs.
 * `standard`: X-RateLimit-Limit/Remaining/Reset (seconds until reset) and
 * Retry-After (seconds) on refusal. `openai`: x-ratelimit-{limit,remaining,reset}-{requests,tokens}
 * with Go-style durations (`1s`, `6m0s`) plus retry-after on refusal, as the
 * OpenAI API sends and its SDK reads. `none`: nothing, an undocumented limit.
 */
export function pushLimitHeaders(out: string[], spec: RateLimitSpec, state: LimitState, refused: boolean): void {
  if (spec.headers === 'none') return;
  if (spec.headers === 'standard') {
    out.push(
      'x-ratelimit-limit', String(state.limit),
      'x-ratelimit-remaining', String(state.remaining),
      'x-ratelimit-reset', String(Math.ceil(state.resetMs / 1000)),
    );
  } else {
    const unit = spec.cost === 'tokens' ? 'tokens' : 'requests';
    out.push(
      `x-ratelimit-limit-${unit}`, String(state.limit),
      `x-ratelimit-remaining-${unit}`, String(state.remaining),
      `x-ratelimit-reset-${unit}`, goDuration(state.resetMs),
    );
  }
  if (refused) out.push('retry-after', String(Math.max(1, Math.ceil(state.retryAfterMs / 1000))));
}

/** 1500 -> `1.5s`, 360000 -> `6m0s`, 20 -> `20ms` (the format OpenAI uses). */
export function goDuration(ms: number): string {
  const m = Math.max(0, Math.round(ms));
  if (m < 1000) return `${m}ms`;
  const totalS = m / 1000;
  if (totalS < 60) return `${trim(totalS)}s`;
  const h = Math.floor(totalS / 3600);
  const min = Math.floor((totalS % 3600) / 60);
  const s = trim(totalS % 60);
  return h > 0 ? `${h}h${min}m${s}s` : `${min}m${s}s`;
}

function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
