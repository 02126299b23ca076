import type { Environment } from './types.ts';

/**
 * The one line `agentup validate` prints after "is valid:": what would run,
 * never a value (secret or not). Lives beside the types so that a new section
 * shows up here in the same change.
 */

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

export function summariseEnvironment(env: Environment): string {
  const services = Object.values(env.services);
  const replicas = services.reduce((sum, s) => sum + s.replicas, 0);
  const parts = [`${plural(services.length, 'service')} (${plural(replicas, 'replica')})`];
  if (env.redis) parts.push('redis');
  if (env.postgres) parts.push('postgres');
  if (env.loadBalancer) parts.push(`load balancer on ${env.loadBalancer.strategy}`);
  const apis = Object.keys(env.apis);
  if (apis.length) parts.push(`${plural(apis.length, 'api')} (${apis.join(', ')})`);
  const upstreams = Object.keys(env.upstreams);
  if (upstreams.length) parts.push(`${plural(upstreams.length, 'upstream')} (${upstreams.join(', ')})`);
  const faulted = Object.entries(env.faults).filter(([, toxics]) => toxics.length > 0);
  const toxics = faulted.reduce((sum, [, list]) => sum + list.length, 0);
  if (toxics) parts.push(`${plural(toxics, 'toxic')} on ${faulted.map(([proxy]) => proxy).join(', ')}`);
  const proxy = faultProxyPart(env.faultProxy);
  if (proxy) parts.push(proxy);
  return parts.join(', ');
}

/** Only when it is not the default, so the common line stays short. */
function faultProxyPart(fp: Environment['faultProxy']): string | undefined {
  if (fp.url) return `fault proxy at ${fp.url}`;
  if (fp.engine === 'auto' && fp.port === null) return undefined;
  const engine = fp.engine === 'auto' ? 'fault proxy' : `${fp.engine} fault proxy`;
  return fp.port === null ? engine : `${engine} on port ${fp.port}`;
}

/** The same facts for `validate --json`, names only. */
export function summaryFacts(env: Environment): { apis: string[]; upstreams: string[]; faults: Record<string, string[]>; faultProxy: Environment['faultProxy'] } {
  return {
    apis: Object.keys(env.apis),
    upstreams: Object.keys(env.upstreams),
    faults: Object.fromEntries(Object.entries(env.faults).map(([proxy, toxics]) => [proxy, toxics.map((t) => t.name)])),
    faultProxy: env.faultProxy,
  };
}
