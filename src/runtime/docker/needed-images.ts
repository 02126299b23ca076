/**
 * The images a Docker run would have to pull. `auto` picks Docker only when
 * they are all on this machine already: choosing a runtime should never start
 * a multi-hundred-megabyte download, or fail on a machine with no registry.
 * `--runtime docker` still pulls what is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import type { Environment } from '../../config/types.ts';
import { defaultImages } from './docker-names.ts';

/** Base images of a Dockerfile: its FROM lines with `ARG NAME=default` and build args substituted; stage names skipped. */
export function dockerfileBases(text: string, buildArgs: Record<string, string>): string[] {
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(line);
    if (arg) args[arg[1]!] = buildArgs[arg[1]!] ?? arg[2]?.replace(/^["']|["']$/g, '') ?? '';
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    const image = from[1]!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args[name] ?? '');
    if (image && image !== 'scratch' && !stages.has(image)) bases.push(image);
    if (from[2]) stages.add(from[2]);
  }
  return bases;
}

/** Every image the run needs from a registry or the local store, without duplicates. */
export function neededImages(env: Environment, processEnv: NodeJS.ProcessEnv): string[] {
  const defaults = defaultImages(processEnv);
  const images = new Set<string>();
  if (env.redis) images.add(env.redis.image ?? defaults.redis);
  if (env.postgres) images.add(env.postgres.image ?? defaults.postgres);
  const proxy = env.faultProxy.image ?? defaults.faultProxy;
  images.add(proxy === 'agentup' ? (defaults.node ?? 'node:20-slim') : proxy);
  for (const service of Object.values(env.services)) {
    if (service.image) images.add(service.image);
    if (!service.build) continue;
    const file = path.resolve(service.build.context, service.build.dockerfile);
    if (!existsSync(file)) continue; // the build itself reports it
    const buildArgs = { ...(defaults.node ? { NODE_IMAGE: defaults.node } : {}), ...service.build.args };
    for (const base of dockerfileBases(readFileSync(file, 'utf8'), buildArgs)) images.add(base);
  }
  return [...images];
}

/** The subset of `images` not in the engine's local store. */
export async function missingLocally(docker: Docker, images: string[]): Promise<string[]> {
  const present = await Promise.all(images.map((name) => docker.getImage(name).inspect().then(() => true, () => false)));
  return images.filter((_, i) => !present[i]);
}
