/**
 * The user's service image: `image:` as given, or `build:` built once per run
 * and tagged `agentup-build/<service>:<content hash>`, so an unchanged context
 * reuses an existing tag. A tag this run builds carries the run's label, so
 * clean-up removes it; a tag that was already there is left alone.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ServiceBuild } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';
import { Readable } from 'node:stream';
import { labels, tarOf } from './docker-names.ts';

/**
 * .dockerignore, simply: names, paths and `*` globs, plus `!` exceptions.
 * The Dockerfile itself is always sent, as the docker CLI does.
 */
function ignoreFilter(context: string, dockerfile: string): (rel: string) => boolean {
  let lines: string[] = [];
  try {
    lines = readFileSync(path.join(context, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  } catch {
    lines = ['node_modules', '.git'];
  }
  const rules = lines.map((line) => {
    const negate = line.startsWith('!');
    const pattern = line.replace(/^!/, '').replace(/^\/+|\/+$/g, '');
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}(/.*)?$`);
    return { negate, re };
  });
  return (rel) => {
    if (rel === dockerfile) return true;
    let keep = true;
    for (const r of rules) if (r.re.test(rel)) keep = r.negate;
    return keep;
  };
}

function contextFiles(dir: string, keep: (rel: string) => boolean, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(base, full);
    if (entry.isDirectory()) {
      if (keep(rel) || rel === '.git') out.push(...(rel === '.git' ? [] : contextFiles(full, keep, base)));
    } else if (entry.isFile() && keep(rel)) out.push(rel);
  }
  return out;
}

export function contextHash(build: ServiceBuild, buildArgs: Record<string, string>): { hash: string; files: string[] } {
  const files = contextFiles(build.context, ignoreFilter(build.context, build.dockerfile));
  const h = createHash('sha256');
  h.update(JSON.stringify({ dockerfile: build.dockerfile, buildArgs }));
  for (const f of files) {
    h.update(`${f}\0${statSync(path.join(build.context, f)).mode}\0`);
    h.update(readFileSync(path.join(build.context, f)));
  }
  return { hash: h.digest('hex').slice(0, 16), files };
}

export interface ServiceImage {
  tag: string;
  /** True when this run built it (and so removes it). */
  built: boolean;
}

export async function ensureServiceImage(
  docker: Docker,
  options: { service: string; build: ServiceBuild; nodeImage: string | null; runId: string; onLog?: (line: string) => void },
): Promise<ServiceImage> {
  const buildArgs = { ...(options.nodeImage ? { NODE_IMAGE: options.nodeImage } : {}), ...options.build.args };
  const { hash, files } = contextHash(options.build, buildArgs);
  const tag = `agentup-build/${options.service}:${hash}`;
  try {
    await docker.getImage(tag).inspect();
    return { tag, built: false };
  } catch {
    // not there yet: build it
  }
  const last: string[] = [];
  // Our own archive: dockerode applies .dockerignore to the Dockerfile too, which the daemon then cannot find.
  const archive = tarOf(files.map((f) => ({ name: f, content: readFileSync(path.join(options.build.context, f)) })));
  const stream = await docker.buildImage(
    Readable.from([archive]),
    { t: tag, dockerfile: options.build.dockerfile, buildargs: buildArgs, labels: labels(options.runId, `build-${options.service}`), rm: true, forcerm: true },
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string }>) => {
        const failed = err?.message ?? output.find((o) => o.error)?.error;
        if (failed) {
          reject(new AgentupError(`building the image of ${options.service} from ${options.build.context} failed: ${failed.trim()}\n${last.slice(-10).map((l) => `  ${l}`).join('\n')}`, {
            hint: `run docker build ${Object.entries(buildArgs).map(([k, v]) => `--build-arg ${k}=${v} `).join('')}${options.build.context} to see the whole output`,
          }));
        } else resolve();
      },
      (event: { stream?: string }) => {
        for (const line of (event.stream ?? '').split('\n')) {
          if (line.trim() === '') continue;
          last.push(line);
          if (last.length > 50) last.shift();
          options.onLog?.(line);
        }
      },
    );
  });
  return { tag, built: true };
}
