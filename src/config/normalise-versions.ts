import { asMapping } from './semantic-context.ts';
import type { EnvValue, ServiceConfig } from './types.ts';
import type { ServiceVersion, ServiceVersions } from './version-types.ts';

type Raw = Record<string, unknown>;

/**
 * `canary:` becomes stable (the service as written) + canary (1 replica by
 * default); `versions:` keeps its two keys in file order. A version inherits
 * the service's command, env and replica count and overrides what it sets.
 */
export function normaliseVersions(
  raw: Raw,
  base: Pick<ServiceConfig, 'command' | 'env' | 'replicas'>,
  envOf: (raw: Raw) => Record<string, EnvValue>,
  commandOf: (raw: unknown) => string | string[],
): ServiceVersions | undefined {
  const version = (name: string, given: unknown, defaultReplicas: number): ServiceVersion => {
    const v = asMapping(given) ?? {};
    return {
      name,
      command: v.command === undefined ? base.command : commandOf(v.command),
      env: { ...base.env, ...envOf({ env: v.env }) },
      replicas: (v.replicas as number | undefined) ?? defaultReplicas,
    };
  };
  if (Object.hasOwn(raw, 'canary')) {
    return { declaredAs: 'canary', current: version('stable', {}, base.replicas), next: version('canary', raw.canary, 1) };
  }
  const versions = Object.entries(asMapping(raw.versions) ?? {});
  if (versions.length < 2) return undefined;
  const [current, next] = versions as [[string, unknown], [string, unknown]];
  return { declaredAs: 'versions', current: version(current[0], current[1], base.replicas), next: version(next[0], next[1], base.replicas) };
}
