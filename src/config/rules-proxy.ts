import { findToxicKind } from '../proxy/toxics/index.ts';
import { RESERVED_SERVICE_NAMES } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import { subject, type Problem } from './problems.ts';
import { isLoopbackHost, namesOf, proxyNames, splitAddress, toxicName } from './proxy-values.ts';
import { joinOr } from './schema-nodes.ts';
import { asMapping, hasSection, servicesOf, type LoadContext } from './semantic-context.ts';

/** Semantic rules for fault_proxy, upstreams, apis and faults (see semantic-rules.ts). */

const LOCAL_ONLY = 'agentup only ever sends traffic to this machine';

export function faultProxySettings(ctx: LoadContext): Problem[] {
  const fp = asMapping(ctx.raw.fault_proxy);
  if (!fp || typeof fp.url !== 'string') return [];
  const problems: Problem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(fp.url);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || url.username || url.password || url.search || url.hash || !['', '/'].includes(url.pathname)) {
    problems.push({
      path: ['fault_proxy', 'url'],
      message: `fault_proxy.url must be the base URL of a Toxiproxy API, http://host:port with no path, got ${JSON.stringify(fp.url)}`,
      hint: 'for example: url: http://127.0.0.1:8474',
    });
  } else if (!isLoopbackHost(url.hostname)) {
    problems.push({
      path: ['fault_proxy', 'url'],
      message: `fault_proxy.url must point at this machine (127.0.0.1, localhost or [::1]), got host ${url.hostname}`,
      hint: `${LOCAL_ONLY}; run toxiproxy-server locally, or leave url out and agentup starts a proxy`,
    });
  }
  if (fp.port !== undefined) {
    problems.push({
      path: ['fault_proxy', 'port'],
      message: `fault_proxy.port cannot be set together with fault_proxy.url (${ctx.where(['fault_proxy', 'url'])})`,
      hint: 'port is for a proxy agentup starts, url for one already running; keep one of them',
    });
  }
  if (fp.engine === 'agentup') {
    problems.push({
      path: ['fault_proxy', 'engine'],
      message: 'fault_proxy.engine agentup cannot be used with fault_proxy.url: url names a Toxiproxy server that is already running',
      hint: 'remove url to use the built-in engine, or set engine: toxiproxy',
    });
  }
  return problems;
}

export function upstreamAddresses(ctx: LoadContext): Problem[] {
  return Object.entries(asMapping(ctx.raw.upstreams) ?? {}).flatMap(([name, value]): Problem[] => {
    const address = asMapping(value)?.address;
    if (typeof address !== 'string') return [];
    const path = ['upstreams', name, 'address'];
    const parts = splitAddress(address);
    if (!parts) {
      return [{ path, message: `upstreams.${name}.address must be host:port such as 127.0.0.1:9000, got ${JSON.stringify(address)}`, hint: 'write an IPv6 host in brackets: [::1]:9000' }];
    }
    if (!isLoopbackHost(parts.host)) {
      return [{
        path,
        message: `upstreams.${name}.address must be on this machine (127.0.0.1, localhost or [::1]), got host ${parts.host}`,
        hint: `${LOCAL_ONLY}; run the dependency locally (or forward a local port to it) and give 127.0.0.1:<port>`,
      }];
    }
    if (parts.port < 1 || parts.port > 65535) {
      return [{ path, message: `upstreams.${name}.address must have a port from 1 to 65535, got ${parts.port}` }];
    }
    // The dependency already listens there, so agentup could not bind it (or would proxy to itself).
    const taken = ctx.collected.ports.find((p) => p.port === parts.port);
    if (taken) {
      return [{
        path,
        message: `upstreams.${name}.address uses port ${parts.port}, which agentup binds for ${subject(taken.path)} (${ctx.where(taken.path)})`,
        hint: `change ${subject(taken.path)}, or leave it out to get a free port`,
      }];
    }
    return [];
  });
}

/**
 * depends_on and faults name services, apis and upstreams bare, so one name
 * must mean one thing; the later section (services, apis, upstreams) is blamed.
 */
export function dependencyNameClashes(ctx: LoadContext): Problem[] {
  const owner = new Map<string, string>(servicesOf(ctx.raw).map(([name]) => [name, 'services']));
  const problems: Problem[] = [];
  for (const section of ['apis', 'upstreams'] as const) {
    for (const name of namesOf(ctx.raw, section)) {
      const path = [section, name];
      const noun = section === 'apis' ? 'api' : 'upstream';
      const earlier = owner.get(name);
      if ((RESERVED_SERVICE_NAMES as readonly string[]).includes(name)) {
        problems.push({ path, at: 'key', message: `${noun} name ${JSON.stringify(name)} is reserved for the built-in ${name}`, hint: `rename it, e.g. ${name}-${noun}` });
      } else if (earlier) {
        problems.push({
          path,
          at: 'key',
          message: `${section}.${name} has the same name as ${earlier}.${name} (${ctx.where([earlier, name])})`,
          hint: 'depends_on and faults name services, apis and upstreams bare, so each name must be unique; rename one',
        });
      } else {
        owner.set(name, section);
      }
    }
  }
  return problems;
}

export function faultTargets(ctx: LoadContext): Problem[] {
  const proxies = proxyNames(ctx.raw);
  return Object.keys(asMapping(ctx.raw.faults) ?? {}).flatMap((key): Problem[] => {
    if (proxies.includes(key)) return [];
    const path = ['faults', key];
    if ((key === 'redis' || key === 'postgres') && !hasSection(ctx.raw, key)) {
      return [{ path, at: 'key', message: `faults.${key} is for ${key}, but there is no ${key}: section`, hint: `add \`${key}: {}\` at the top level` }];
    }
    if (servicesOf(ctx.raw).some(([name]) => name === key)) {
      return [{
        path,
        at: 'key',
        message: `faults.${key} names the service ${key}, which has no proxy: faults are for what a service depends on`,
        hint: proxies.length ? `faults can name ${joinOr(proxies)}; to break ${key} itself, stop or slow a replica at run time` : 'add the dependency to fault (redis, postgres, an upstream or an api) first',
      }];
    }
    const guess = didYouMean(key, proxies);
    return [{
      path,
      at: 'key',
      message: `faults.${key} names ${JSON.stringify(key)}, which has no proxy${guess ? `; did you mean ${guess}?` : ''}`,
      hint: proxies.length ? `faults can name ${joinOr(proxies)}` : 'faults are keyed by redis, postgres, an upstream or an api name; add that dependency first',
    }];
  });
}

/** Each toxic of one proxy, with its index, when it is a mapping. */
function toxicsOf(ctx: LoadContext): Array<{ proxy: string; index: number; toxic: Record<string, unknown> }> {
  return Object.entries(asMapping(ctx.raw.faults) ?? {}).flatMap(([proxy, list]) =>
    Array.isArray(list)
      ? list.flatMap((item, index) => {
          const toxic = asMapping(item);
          return toxic ? [{ proxy, index, toxic }] : [];
        })
      : [],
  );
}

export function toxicAttributes(ctx: LoadContext): Problem[] {
  return toxicsOf(ctx).flatMap(({ proxy, index, toxic }) => {
    const kind = typeof toxic.type === 'string' ? findToxicKind(toxic.type) : undefined;
    const attributes = asMapping(toxic.attributes);
    if (!kind || !attributes) return [];
    const known = kind.attributes.map((a) => a.name);
    return Object.keys(attributes)
      .filter((name) => !known.includes(name))
      .map((name): Problem => {
        const guess = didYouMean(name, known);
        return {
          path: ['faults', proxy, index, 'attributes', name],
          at: 'key',
          message: `faults.${proxy}.${index}.attributes.${name} is not an attribute of ${kind.type}${guess ? `; did you mean ${guess}?` : ''}`,
          hint: known.length ? `${kind.type} takes ${joinOr(known)}` : `${kind.type} takes no attributes`,
        };
      });
  });
}

/** Toxiproxy refuses a second toxic of the same name on one proxy (`toxic already exists`). */
export function toxicNames(ctx: LoadContext): Problem[] {
  const first = new Map<string, number>();
  return toxicsOf(ctx).flatMap(({ proxy, index, toxic }): Problem[] => {
    const name = toxicName(toxic);
    if (name === undefined) return [];
    const earlier = first.get(`${proxy}\0${name}`);
    if (earlier === undefined) {
      first.set(`${proxy}\0${name}`, index);
      return [];
    }
    const named = typeof toxic.name === 'string';
    return [{
      path: named ? ['faults', proxy, index, 'name'] : ['faults', proxy, index],
      message: `faults.${proxy}.${index} is a second toxic named ${name} on ${proxy}; the first is faults.${proxy}.${earlier} (${ctx.where(['faults', proxy, earlier])})`,
      hint: named ? 'give each toxic on one proxy its own name' : `an unnamed toxic is called <type>_<stream>; add name: to one of them, e.g. name: ${name}_2`,
    }];
  });
}
