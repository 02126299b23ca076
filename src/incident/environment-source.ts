import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Incident } from './types.ts';

/**
 * What to start: the environment file itself, or, when the incident overrides
 * a service's env or replica count, the file's document with those replaced,
 * given to startSimulation as an inline object whose relative paths resolve
 * against the file's directory. The file was already checked at load.
 */
export async function environmentSource(incident: Incident): Promise<{ source: string | object; dir: string }> {
  const dir = path.dirname(incident.environment);
  if (Object.keys(incident.overrides).length === 0) return { source: incident.environment, dir };
  const doc = parse(await readFile(incident.environment, 'utf8')) as { services: Record<string, { env?: Record<string, unknown>; replicas?: number }> };
  for (const [name, o] of Object.entries(incident.overrides)) {
    const service = doc.services[name]!;
    service.env = { ...service.env, ...o.env };
    if (o.replicas !== undefined) service.replicas = o.replicas;
  }
  return { source: doc, dir };
}
