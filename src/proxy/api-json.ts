import { goFloat32, goJsonString } from './go-json-decode.ts';
import type { ProxyInfo, ToxicInfo } from './types.ts';

/**
 * Response bodies byte-compatible with Toxiproxy's json.Marshal: its field
 * order, HTML-safe string escapes, float32 toxicity, and the stray `"Logger":{}`
 * the real server leaks from its Proxy struct (kept: clients ignore it, and
 * byte-level comparisons with the real server then match).
 */

export function toxicJson(toxic: ToxicInfo): string {
  const attributes = Object.entries(toxic.attributes)
    .map(([key, value]) => `${goJsonString(key)}:${Math.trunc(value)}`)
    .join(',');
  return (
    `{"attributes":{${attributes}},"name":${goJsonString(toxic.name)},"type":${goJsonString(toxic.type)},` +
    `"stream":${goJsonString(toxic.stream)},"toxicity":${goFloat32(toxic.toxicity)}}`
  );
}

export function toxicsJson(toxics: ToxicInfo[]): string {
  return `[${toxics.map(toxicJson).join(',')}]`;
}

export function proxyJson(proxy: ProxyInfo): string {
  return (
    `{"name":${goJsonString(proxy.name)},"listen":${goJsonString(proxy.listen)},` +
    `"upstream":${goJsonString(proxy.upstream)},"enabled":${proxy.enabled},"Logger":{},` +
    `"toxics":${toxicsJson(proxy.toxics)}}`
  );
}

export function proxyMapJson(proxies: ProxyInfo[]): string {
  return `{${proxies.map((p) => `${goJsonString(p.name)}:${proxyJson(p)}`).join(',')}}`;
}

/** Go marshals an empty result slice as null. */
export function proxyListJson(proxies: ProxyInfo[]): string {
  return proxies.length === 0 ? 'null' : `[${proxies.map(proxyJson).join(',')}]`;
}

export function errorJson(message: string, status: number): string {
  return `{"error":${goJsonString(message)},"status":${status}}`;
}
