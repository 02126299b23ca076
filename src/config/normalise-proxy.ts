import { findToxicKind } from '../proxy/toxics/index.ts';
import { BugError } from '../errors.ts';
import { DEFAULTS } from './defaults.ts';
import { splitAddress, toxicName } from './proxy-values.ts';
import { asMapping, resolvePath, type LoadContext } from './semantic-context.ts';
import type { ApiConfig, FaultProxyConfig, FaultProxyEngine, ToxicSpec, ToxicStream, UpstreamConfig } from './types.ts';

/**
 * Defaults and camelCase for fault_proxy, upstreams, apis and faults. Like
 * normalise.ts, runs only on a document the schema and rules accepted.
 */
type Raw = Record<string, unknown>;

export function faultProxy(raw: Raw): FaultProxyConfig {
  const fp = asMapping(raw.fault_proxy) ?? {};
  const url = typeof fp.url === 'string' ? fp.url.replace(/\/+$/, '') : null;
  const engine = ((fp.engine as string | undefined) ?? DEFAULTS.faultProxy.engine) as FaultProxyEngine;
  return {
    // A url means a running Toxiproxy server, so `auto` has nothing left to choose.
    engine: url !== null && engine === 'auto' ? 'toxiproxy' : engine,
    url,
    port: (fp.port as number | undefined) ?? null,
  };
}

export function upstreams(raw: Raw): Record<string, UpstreamConfig> {
  return Object.fromEntries(
    Object.entries(asMapping(raw.upstreams) ?? {}).map(([name, value]) => {
      const { host, port } = splitAddress(String(asMapping(value)!.address))!;
      // localhost is pinned to IPv4 so the proxy never depends on name resolution order.
      const plainHost = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1');
      return [name, { name, host: plainHost, port }];
    }),
  );
}

export function apis(ctx: LoadContext): Record<string, ApiConfig> {
  return Object.fromEntries(
    Object.entries(asMapping(ctx.raw.apis) ?? {}).map(([name, value]) => {
      const api = asMapping(value)!;
      return [name, { name, fixture: resolvePath(ctx, String(api.fixture))!, port: (api.port as number | undefined) ?? null }];
    }),
  );
}

function toxic(raw: Raw): ToxicSpec {
  const kind = findToxicKind(String(raw.type));
  if (!kind) throw new BugError(`toxic type ${String(raw.type)} passed the schema but is not in the registry`);
  const given = asMapping(raw.attributes) ?? {};
  return {
    name: toxicName(raw)!,
    type: kind.type,
    stream: ((raw.stream as string | undefined) ?? DEFAULTS.toxic.stream) as ToxicStream,
    toxicity: (raw.toxicity as number | undefined) ?? DEFAULTS.toxic.toxicity,
    // Toxiproxy reads a missing attribute as 0; spelling them out keeps the runtime simple.
    attributes: Object.fromEntries(kind.attributes.map((a) => [a.name, (given[a.name] as number | undefined) ?? 0])),
  };
}

export function faults(raw: Raw): Record<string, ToxicSpec[]> {
  return Object.fromEntries(
    Object.entries(asMapping(raw.faults) ?? {}).map(([proxy, list]) => [proxy, (list as unknown[]).map((t) => toxic(asMapping(t)!))]),
  );
}
