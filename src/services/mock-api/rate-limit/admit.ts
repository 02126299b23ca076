import { compileBody } from '../compile.ts';
import type { Exchange, MockApiEngine } from '../engine.ts';
import { requestTokenCost } from '../openai.ts';
import type { Done } from '../respond.ts';
import type { RateLimitSpec } from '../types.ts';
import { pushLimitHeaders } from './headers.ts';
import type { Limiter } from './limiter.ts';

/** Checks every limit, then counts the request against all of them, or answers 429. */
export function admit(engine: MockApiEngine, x: Exchange, limiters: Limiter[], done: Done): boolean {
  let headers: string[] | null = null;
  for (const l of limiters) {
    const k = limitKey(x, l.spec);
    const cost = l.spec.cost === 'tokens' ? requestTokenCost(x.body, x.rawLength) : 1;
    const state = l.check(k, cost, x.atMs);
    if (!state.ok) {
      const out: string[] = [];
      pushLimitHeaders(out, l.spec, state, true);
      const route = engine.def.routes[x.routeIndex]!.name;
      x.rule = `rate_limit:${l.spec.name}`;
      engine.counters.rateLimited(route, l.spec.name);
      if (engine.events.has('rate_limited')) {
        engine.events.emit('rate_limited', { api: engine.def.name, route, limit: l.spec.name, key: k, retryAfterMs: state.retryAfterMs, atMs: x.atMs });
      }
      const ctx = engine.ctxOf(x);
      ctx.rateLimit = {
        name: l.spec.name, limit: state.limit, remaining: state.remaining, used: state.limit - state.remaining,
        requested: cost, retry_after_ms: Math.ceil(state.retryAfterMs), retry_after_s: Math.max(1, Math.ceil(state.retryAfterMs / 1000)),
        reset_s: Math.ceil(state.resetMs / 1000), model: (x.body as { model?: unknown } | null)?.model ?? null,
      };
      engine.sendBody(x, l.spec.status, compileBody(l.spec.body), out, done);
      return false;
    }
    if (l.spec.headers !== 'none') pushLimitHeaders((headers ??= []), l.spec, state, false);
  }
  for (const l of limiters) {
    const k = limitKey(x, l.spec);
    const cost = l.spec.cost === 'tokens' ? requestTokenCost(x.body, x.rawLength) : 1;
    l.commit(k, cost, x.atMs);
    if (l.spec.algorithm === 'concurrency') x.res.once('close', () => l.release(k, cost));
  }
  x.extraHeaders = headers;
  return true;
}

function limitKey(x: Exchange, spec: RateLimitSpec): string {
  if (spec.scope === 'global') return '';
  if (spec.scope === 'client') return x.req.socket.remoteAddress ?? '';
  const v = x.req.headers[spec.keyHeader];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
