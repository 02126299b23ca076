import type { ServiceConfig } from '../config/types.ts';

/** How one version of a service is laid out: who its replicas are and which port slots they take. */
export interface VersionLayout {
  name: string;
  role: 'current' | 'next';
  /** The service config as this version runs it; `config.name` prefixes its replica ids. */
  config: ServiceConfig;
  /** Port slot ids are `<slotPrefix>.<index>`. */
  slotPrefix: string;
}

/**
 * One layout per version, or one for the service itself when it has a single
 * version. With `canary:` the stable version keeps the plain replica ids
 * (`triage-1`), so incidents and tests written for the service still name
 * them; the canary is `triage-canary-1`. With `versions:` each is named
 * (`triage-blue-1`, `triage-green-1`).
 */
export function versionLayouts(service: ServiceConfig): VersionLayout[] {
  const v = service.versions;
  if (!v) return [{ name: '', role: 'current', config: service, slotPrefix: service.name }];
  return [v.current, v.next].map((version, i) => {
    const plain = v.declaredAs === 'canary' && i === 0;
    const name = plain ? service.name : `${service.name}-${version.name}`;
    const { versions: _, ...rest } = service;
    return {
      name: version.name,
      role: i === 0 ? 'current' : 'next',
      config: { ...rest, name, command: version.command, env: version.env, replicas: version.replicas },
      slotPrefix: plain ? service.name : `${service.name}.${version.name}`,
    };
  });
}
