import { AgentupError } from '../../errors.ts';
import { defaultLimitBody } from './fixture/parse-rate-limit.ts';
import type { MockApiDefinition, RateLimitSpec, TemplateValue } from './types.ts';

/** Fields to change; `body` is a JSON value or a string (sent as text). */
export type RateLimitUpdate = Partial<Omit<RateLimitSpec, 'name' | 'body'>> & { body?: unknown };

/** The new list of limits after one live change (pure, so it is easy to test). */
export function liveRateLimit(
  def: MockApiDefinition, limits: RateLimitSpec[], nameOrRoute: string, update: RateLimitUpdate | null,
): RateLimitSpec[] {
  const i = limits.findIndex((l) => l.name === nameOrRoute);
  if (update === null) {
    if (i < 0) throw unknown(def, limits, nameOrRoute);
    return limits.filter((_, k) => k !== i);
  }
  if (update.limit !== undefined && !(Number.isInteger(update.limit) && update.limit >= 1)) {
    throw new AgentupError(`rate limit "${nameOrRoute}" limit ${update.limit} must be a whole number of at least 1`, { hint: 'e.g. setRateLimit("rpm", { limit: 10 })' });
  }
  const { body, ...fields } = update;
  let base: RateLimitSpec;
  if (i >= 0) base = limits[i]!;
  else if (def.routes.some((r) => r.name === nameOrRoute)) {
    base = {
      name: nameOrRoute, algorithm: 'fixed_window', limit: 60, windowMs: 60_000, refillPerSecond: 1, period: 'day',
      cost: 'requests', scope: 'global', keyHeader: def.apiKey?.header ?? 'authorization', routes: [nameOrRoute],
      headers: 'standard', status: 429, body: defaultLimitBody('standard'),
    };
  } else throw unknown(def, limits, nameOrRoute);
  const next: RateLimitSpec = { ...base, ...fields, name: base.name };
  if (body !== undefined) next.body = typeof body === 'string' ? { kind: 'text', value: body } : { kind: 'json', value: body as TemplateValue };
  else if (fields.headers !== undefined && fields.headers !== base.headers) next.body = defaultLimitBody(next.headers);
  return i >= 0 ? limits.map((l, k) => (k === i ? next : l)) : [...limits, next];
}

function unknown(def: MockApiDefinition, limits: RateLimitSpec[], name: string): AgentupError {
  return new AgentupError(`mock API "${def.name}" has no rate limit or route named "${name}"`, {
    hint: `rate limits: ${limits.map((l) => l.name).join(', ') || '(none)'}; routes: ${def.routes.map((r) => r.name).join(', ')}`,
  });
}
