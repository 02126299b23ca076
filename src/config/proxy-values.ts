import { DEFAULTS, DEPENDENCY_NAME, LOOPBACK_HOSTS } from './defaults.ts';
import { asMapping, hasSection } from './semantic-context.ts';

/**
 * Small readings of the fault-proxy sections shared by the semantic rules and
 * the normaliser, so that both agree (a toxic's default name above all).
 */

/** `host:port` with an optional `[v6]` host; checked further by upstreamAddresses. */
export const ADDRESS_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d+)$/;

export function splitAddress(address: string): { host: string; port: number } | null {
  const match = ADDRESS_PATTERN.exec(address);
  return match ? { host: match[1]!.toLowerCase(), port: Number(match[2]) } : null;
}

export function isLoopbackHost(host: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(host.toLowerCase());
}

/** Toxiproxy names an unnamed toxic `<type>_<stream>` (toxic_collection.go). */
export function toxicName(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.name === 'string') return raw.name;
  if (typeof raw.type !== 'string') return undefined;
  const stream = typeof raw.stream === 'string' ? raw.stream : DEFAULTS.toxic.stream;
  return `${raw.type}_${stream}`;
}

/**
 * Valid names in a record section (`apis`, `upstreams`), in file order. An
 * entry whose value is broken still counts: its own error says what is wrong,
 * and a `faults:` key naming it should not get a second, misleading one.
 */
export function namesOf(raw: Record<string, unknown>, section: 'apis' | 'upstreams'): string[] {
  return Object.keys(asMapping(raw[section]) ?? {}).filter((name) => DEPENDENCY_NAME.test(name));
}

/** Every proxy agentup puts in front of a dependency, by the name `faults:` uses. */
export function proxyNames(raw: Record<string, unknown>): string[] {
  const builtIn = (['redis', 'postgres'] as const).filter((s) => hasSection(raw, s));
  return [...builtIn, ...namesOf(raw, 'upstreams'), ...namesOf(raw, 'apis')];
}
