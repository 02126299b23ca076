import { RESERVED_SERVICE_NAMES } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import { namesOf } from './proxy-values.ts';
import { joinOr } from './schema-nodes.ts';
import { asMapping, hasSection, servicesOf, type LoadContext } from './semantic-context.ts';
import type { Problem } from './problems.ts';
import { tryParseDurationMs } from './units.ts';

/** Built-in dependencies a service can wait for, and the section that provides each. */
const BUILT_IN_DEPENDENCIES = ['redis', 'postgres'] as const;

export function reservedServiceNames(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw)
    .filter(([name]) => (RESERVED_SERVICE_NAMES as readonly string[]).includes(name))
    .map(([name]) => ({
      path: ['services', name],
      at: 'key' as const,
      message: `service name ${JSON.stringify(name)} is reserved for the built-in ${name}`,
      hint: `rename the service, e.g. ${name}-app; to get a real ${name}, add a top-level ${name}: section`,
    }));
}

export function dependsOnTargets(ctx: LoadContext): Problem[] {
  const services = servicesOf(ctx.raw);
  const names = services.map(([name]) => name);
  // apis and upstreams are named bare; dependencyNameClashes keeps every name unique.
  const proxied = [...namesOf(ctx.raw, 'apis'), ...namesOf(ctx.raw, 'upstreams')];
  const problems: Problem[] = [];
  for (const [name, service] of services) {
    if (!Array.isArray(service.depends_on)) continue;
    service.depends_on.forEach((target, index) => {
      if (typeof target !== 'string' || names.includes(target) || proxied.includes(target)) return;
      const path = ['services', name, 'depends_on', index];
      if ((BUILT_IN_DEPENDENCIES as readonly string[]).includes(target)) {
        if (hasSection(ctx.raw, target)) return;
        problems.push({ path, message: `services.${name}.depends_on names ${target}, but there is no ${target}: section`, hint: `add \`${target}: {}\` at the top level` });
        return;
      }
      const candidates = [...names.filter((n) => n !== name), ...BUILT_IN_DEPENDENCIES.filter((d) => hasSection(ctx.raw, d)), ...proxied];
      const guess = didYouMean(target, candidates);
      problems.push({
        path,
        message: `services.${name}.depends_on names ${JSON.stringify(target)}, which is not a service${guess ? `; did you mean ${guess}?` : ''}`,
        hint: candidates.length ? `depends_on can name ${joinOr(candidates)}` : 'depends_on names other services, redis, postgres, apis or upstreams',
      });
    });
  }
  return problems;
}

/**
 * Each cycle once, as `a -> b -> a`, reported at the depends_on entry that
 * closes it, so two cycles through one service get two messages.
 */
export function dependencyCycles(ctx: LoadContext): Problem[] {
  const services = servicesOf(ctx.raw);
  const isService = (t: unknown): t is string => typeof t === 'string' && services.some(([n]) => n === t);
  const edges = new Map(services.map(([name, s]) => [name, Array.isArray(s.depends_on) ? (s.depends_on as unknown[]) : []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const problems: Problem[] = [];
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    (edges.get(name) ?? []).forEach((next, index) => {
      if (!isService(next)) return;
      if (state.get(next) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        problems.push({
          path: ['services', name, 'depends_on', index],
          message: `services.${name}.depends_on has a dependency cycle: ${cycle.join(' -> ')}`,
          hint: 'remove one of these depends_on entries; a service cannot wait for itself',
        });
      } else if (!state.has(next)) {
        visit(next);
      }
    });
    stack.pop();
    state.set(name, 'done');
  };
  for (const [name] of services) if (!state.has(name)) visit(name);
  return problems;
}

export function loadBalancerService(ctx: LoadContext): Problem[] {
  const lb = asMapping(ctx.raw.load_balancer) ?? (ctx.raw.load_balancer === null ? {} : undefined);
  const names = Object.keys(asMapping(ctx.raw.services) ?? {});
  if (!lb || names.length === 0) return [];
  if (lb.service === undefined) {
    if (names.length === 1) return [];
    return [{ path: ['load_balancer', 'service'], at: 'parent', message: `load_balancer.service is required when there are several services`, hint: `add service: with one of ${joinOr(names)}` }];
  }
  if (typeof lb.service !== 'string' || names.includes(lb.service)) return [];
  const guess = didYouMean(lb.service, names);
  return [{
    path: ['load_balancer', 'service'],
    message: `load_balancer.service names ${JSON.stringify(lb.service)}, which is not a service${guess ? `; did you mean ${guess}?` : ''}`,
    hint: `the services are ${joinOr(names)}`,
  }];
}

/** The replica's port variable would silently replace an `env:` entry of the same name. */
export function portEnvClash(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw).flatMap(([name, s]) => {
    const portEnv = typeof s.port_env === 'string' ? s.port_env : 'PORT';
    if (!asMapping(s.env) || !Object.hasOwn(asMapping(s.env)!, portEnv)) return [];
    return [{
      path: ['services', name, 'env', portEnv],
      at: 'key' as const,
      message: `services.${name}.env.${portEnv} would be replaced by each replica's own port (port_env is ${portEnv})`,
      hint: `remove ${portEnv} from env, or set port_env to another variable name`,
    }];
  });
}

export function backoffOrder(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw).flatMap(([name, s]) => {
    const backoff = asMapping(asMapping(s.restart)?.backoff);
    const initial = tryParseDurationMs(backoff?.initial ?? '100ms');
    const max = tryParseDurationMs(backoff?.max ?? '5s');
    if (!backoff || initial === null || max === null || initial <= max) return [];
    const at = backoff.max !== undefined ? 'max' : 'initial';
    return [{
      path: ['services', name, 'restart', 'backoff', at],
      message: `services.${name}.restart.backoff.max (${max}ms) must not be shorter than backoff.initial (${initial}ms)`,
      hint: 'raise max or lower initial',
    }];
  });
}

/**
 * A second version only means something behind the load balancer, which
 * splits traffic between exactly two versions: the current and the next.
 */
export function serviceVersions(ctx: LoadContext): Problem[] {
  const lb = asMapping(ctx.raw.load_balancer) ?? (ctx.raw.load_balancer === null ? {} : undefined);
  const services = servicesOf(ctx.raw);
  const fronted = typeof lb?.service === 'string' ? lb.service : services.length === 1 && (lb || !hasSection(ctx.raw, 'load_balancer')) ? services[0]![0] : undefined;
  return services.flatMap(([name, s]): Problem[] => {
    const hasCanary = Object.hasOwn(s, 'canary');
    const versions = asMapping(s.versions);
    if (!hasCanary && !versions) return [];
    const key = hasCanary ? 'canary' : 'versions';
    if (hasCanary && versions) {
      return [{ path: ['services', name, 'canary'], at: 'key', message: `services.${name} has both canary: and versions:`, hint: 'use canary: for a canary next to the service, or versions: { blue, green } for blue/green; not both' }];
    }
    if (versions && Object.keys(versions).length < 2) {
      return [{ path: ['services', name, 'versions'], message: `services.${name}.versions needs exactly two versions, got ${Object.keys(versions).length}`, hint: 'name the version serving now and the release, e.g. versions: { blue: {}, green: { env: { RELEASE: "2" } } }; or use canary:' }];
    }
    if (versions && Object.keys(versions).length > 2) {
      const names = Object.keys(versions);
      return [{ path: ['services', name, 'versions', names[2]!], at: 'key', message: `services.${name}.versions has ${names.length} versions (${names.join(', ')}); a rollout moves traffic between exactly two`, hint: 'keep the version serving now first and the release second' }];
    }
    if (fronted !== name) {
      return [{
        path: ['services', name, key],
        at: 'key',
        message: `services.${name}.${key} needs the load balancer in front of ${name}, which splits traffic between the versions`,
        hint: fronted ? `load_balancer.service is ${fronted}; set it to ${name}` : `add load_balancer: { service: ${name} }`,
      }];
    }
    return [];
  });
}
