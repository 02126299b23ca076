import { apiErrors, ToxiproxyApiError } from './api-error.ts';
import { errorJson, proxyJson, proxyListJson, proxyMapJson, toxicJson, toxicsJson } from './api-json.ts';
import {
  populateSchema,
  proxySchema,
  toxicAttributesSchema,
  toxicUpdateSchema,
  toxicWrapperSchema,
} from './api-schemas.ts';
import { parseStream, PopulateError, type FaultEngine } from './engine.ts';
import { GoDecoder, type GoType } from './go-json-decode.ts';
import { scanFirstValue } from './go-json-scan.ts';
import { renderMetrics } from './metrics.ts';
import { findToxicKind } from './toxics/index.ts';
import type { ProxyInput, ToxicInput } from './types.ts';

/** Toxiproxy handlers, named resource + action like api.go. */

export interface ApiRequest {
  engine: FaultEngine;
  params: Record<string, string>;
  body: Buffer;
}

export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const TOXIPROXY_VERSION = '2.12.0';

const json = (status: number, body: string): Reply => ({ status, body, contentType: 'application/json' });
const noContent: Reply = { status: 204 };

/** Go's json.NewDecoder(body).Decode(&value) with value pre-filled by `defaults`. */
function decodeBody<T>(body: Buffer, schema: GoType, defaults: T): T {
  const scanned = scanFirstValue(body);
  if (!scanned.ok) throw apiErrors.badRequestBody(scanned.error);
  const decoder = new GoDecoder();
  const value = decoder.decode(scanned.raw, schema, defaults) as T;
  if (decoder.error) throw apiErrors.badRequestBody(decoder.error);
  return value;
}

/** Go's http.Error with the JSON error body, as api.go's apiError writes it. */
export function errorReply(err: unknown): Reply {
  const status = err instanceof ToxiproxyApiError ? err.status : 500;
  const message = err instanceof Error ? err.message : String(err);
  return {
    status,
    body: errorJson(message, status) + '\n',
    contentType: 'text/plain; charset=utf-8',
    headers: { 'X-Content-Type-Options': 'nosniff' },
  };
}

export async function resetState({ engine }: ApiRequest): Promise<Reply> {
  await engine.reset();
  return noContent;
}

export function proxyIndex({ engine }: ApiRequest): Reply {
  return json(200, proxyMapJson(engine.listProxies()));
}

export async function proxyCreate({ engine, body }: ApiRequest): Promise<Reply> {
  const input = decodeBody<Partial<ProxyInput>>(body, proxySchema, { enabled: true });
  const created = await engine.createProxy(input as ProxyInput);
  return json(201, proxyJson(created));
}

export async function populate({ engine, body }: ApiRequest): Promise<Reply> {
  try {
    const inputs = decodeBody<ProxyInput[] | undefined>(body, populateSchema, undefined) ?? [];
    const proxies = await engine.populate(inputs.map((p) => p ?? ({} as ProxyInput)));
    return json(201, `{"proxies":${proxyListJson(proxies)}}`);
  } catch (err) {
    // Populate writes its error with the proxies applied so far, as plain JSON.
    const status = err instanceof ToxiproxyApiError ? err.status : 500;
    const message = err instanceof Error ? err.message : String(err);
    const applied = err instanceof PopulateError ? err.proxies : [];
    return json(status, `${errorJson(message, status).slice(0, -1)},"proxies":${proxyListJson(applied)}}`);
  }
}

export function proxyShow({ engine, params }: ApiRequest): Reply {
  return json(200, proxyJson(engine.getProxy(params.proxy!)));
}

export async function proxyUpdate({ engine, params, body }: ApiRequest): Promise<Reply> {
  const current = engine.getProxy(params.proxy!);
  const defaults = { listen: current.listen, upstream: current.upstream, enabled: current.enabled };
  const input = decodeBody(body, proxySchema, defaults);
  return json(200, proxyJson(await engine.updateProxy(params.proxy!, input)));
}

export async function proxyDelete({ engine, params }: ApiRequest): Promise<Reply> {
  await engine.removeProxy(params.proxy!);
  return noContent;
}

export function toxicIndex({ engine, params }: ApiRequest): Reply {
  return json(200, toxicsJson(engine.listToxics(params.proxy!)));
}

/** Checks in Toxiproxy's order: body, stream, type, name clash, then attributes. */
export function toxicCreate({ engine, params, body }: ApiRequest): Reply {
  const proxy = params.proxy!;
  engine.getProxy(proxy);
  const wrapper = decodeBody<Partial<ToxicInput>>(body, toxicWrapperSchema, { stream: 'downstream', toxicity: 1 });
  const stream = wrapper.stream ?? 'downstream';
  if (!parseStream(stream)) throw apiErrors.invalidStream();
  const type = wrapper.type ?? '';
  const name = wrapper.name || `${type}_${stream}`;
  const kind = findToxicKind(type);
  if (!kind) throw apiErrors.invalidToxicType(type);
  if (engine.hasToxic(proxy, name)) throw apiErrors.toxicAlreadyExists(name);
  const { attributes } = decodeBody<{ attributes?: Record<string, number> }>(body, toxicAttributesSchema(kind), {});
  const toxic = engine.addToxic(proxy, { type, name, stream, toxicity: wrapper.toxicity ?? 1, attributes });
  return json(200, toxicJson(toxic));
}

export function toxicShow({ engine, params }: ApiRequest): Reply {
  return json(200, toxicJson(engine.getToxic(params.proxy!, params.toxic!)));
}

export function toxicUpdate({ engine, params, body }: ApiRequest): Reply {
  const current = engine.getToxic(params.proxy!, params.toxic!);
  const kind = findToxicKind(current.type)!;
  const patch = decodeBody(body, toxicUpdateSchema(kind), {
    attributes: current.attributes,
    toxicity: current.toxicity,
  });
  return json(200, toxicJson(engine.updateToxic(params.proxy!, params.toxic!, patch)));
}

export function toxicDelete({ engine, params }: ApiRequest): Reply {
  engine.removeToxic(params.proxy!, params.toxic!);
  return noContent;
}

export function version(): Reply {
  return { status: 200, body: `{"version": "${TOXIPROXY_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' };
}

export function metrics({ engine }: ApiRequest): Reply {
  return { status: 200, body: renderMetrics(engine.allStats()), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
}

/** GET /agentup/toxicity-rolls: every toxicity decision, in the engine's stable order. */
export function toxicityRollIndex({ engine }: ApiRequest): Reply {
  return json(200, JSON.stringify(engine.toxicityRolls()));
}
