import type { Environment } from '../config/types.ts';
import { asMapping } from '../config/semantic-context.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import type { Problem } from '../config/problems.ts';

/**
 * Names in an incident that must exist in the environment it replays
 * against: fault targets, replica ids, overridden services. Checked before
 * anything starts, so a typo costs milliseconds, not a start-up.
 */

type Raw = Record<string, unknown>;
const guessText = (name: string, known: string[]): string => {
  const guess = didYouMean(name, known);
  return guess ? `; did you mean ${guess}?` : '';
};

export function replicaIds(environment: Environment, overrides: Raw): string[] {
  return Object.values(environment.services).flatMap((s) => {
    const count = Number(asMapping(overrides[s.name])?.replicas ?? s.replicas);
    return Array.from({ length: count }, (_, i) => `${s.name}-${i + 1}`);
  });
}

function faultTarget(environment: Environment, fault: Raw, path: Array<string | number>): Problem[] {
  if (typeof fault.target !== 'string') return [];
  const apis = Object.keys(environment.apis);
  const proxies = [...(environment.redis ? ['redis'] : []), ...(environment.postgres ? ['postgres'] : []), ...Object.keys(environment.upstreams), ...apis];
  const where = `${path.join('.')}.target`;
  if (!proxies.includes(fault.target)) {
    return [{ path: [...path, 'target'], message: `${where} names ${JSON.stringify(fault.target)}, which is not a dependency of ${environment.name}${guessText(fault.target, proxies)}`, hint: `dependencies: ${proxies.join(', ') || '(none)'}` }];
  }
  const apiOnly = ['outage', 'error_rate', 'rate_limit'].find((k) => k in fault);
  if (apiOnly && !apis.includes(fault.target)) {
    return [{ path: [...path, 'target'], message: `${where} is ${fault.target}, but ${apiOnly} is a fault of a mock API`, hint: `mock APIs: ${apis.join(', ') || '(none)'}; for ${fault.target} use a toxic or down: true` }];
  }
  return [];
}

export function environmentRules(doc: Raw, environment: Environment): Problem[] {
  const problems: Problem[] = [];
  const overrides = asMapping(doc.overrides) ?? {};
  const services = Object.keys(environment.services);
  for (const name of Object.keys(overrides).filter((n) => !services.includes(n))) {
    problems.push({ path: ['overrides', name], at: 'key', message: `overrides.${name} is not a service of ${environment.name}${guessText(name, services)}`, hint: `services: ${services.join(', ')}` });
  }
  const ids = replicaIds(environment, overrides);
  const check = (action: Raw, path: Array<string | number>) => {
    const fault = asMapping(action.fault);
    if (fault) problems.push(...faultTarget(environment, fault, [...path, 'fault']));
    const replica = asMapping(action.replica);
    if (replica && typeof replica.id === 'string' && !ids.includes(replica.id)) {
      problems.push({ path: [...path, 'replica', 'id'], message: `${path.join('.')}.replica.id names ${JSON.stringify(replica.id)}, which is not a replica of ${environment.name}${guessText(replica.id, ids)}`, hint: `replicas: ${ids.join(', ')}` });
    }
    const load = asMapping(action.load);
    if (load && !environment.loadBalancer) {
      problems.push({ path: [...path, 'load'], message: `${path.join('.')}.load needs a load balancer, and ${environment.name} has none`, hint: 'add a load_balancer: section to the environment' });
    }
  };
  (Array.isArray(doc.timeline) ? doc.timeline : []).forEach((s, i) => check(asMapping(s) ?? {}, ['timeline', i]));
  (Array.isArray(doc.rollbacks) ? doc.rollbacks : []).forEach((s, i) => check(asMapping(s) ?? {}, ['rollbacks', i]));
  return problems;
}
