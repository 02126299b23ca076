/**
 * agentup's own fault proxy as a Docker image, for users who want its
 * HTTP-level faults inside a Docker run too. The image is the proxy server
 * bundled by esbuild into one .mjs file on top of a Node base image: no
 * node_modules, no npm, no registry, and a tag named after what went in, so
 * an unchanged agentup reuses the image from an earlier run.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { AgentupError, BugError } from '../../errors.ts';
import { SingleFlight } from '../../util/single-flight.ts';
import { imageExists } from './docker-names.ts';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fault-proxy-entry.ts');
export const PROXY_IMAGE_REPOSITORY = 'agentup-proxy';
/** The port of the Toxiproxy HTTP API inside the container. */
export const PROXY_API_PORT = 8474;

const DOCKERFILE = `ARG NODE_IMAGE=node:20-slim
FROM \${NODE_IMAGE}
LABEL agentup.component=fault-proxy
COPY fault-proxy.mjs /agentup/fault-proxy.mjs
EXPOSE ${PROXY_API_PORT}
ENTRYPOINT ["node", "/agentup/fault-proxy.mjs"]
`;

let bundled: Promise<string> | undefined;
const building = new SingleFlight<string>();

/** The proxy server and everything it imports, as one ES module. Done once per process. */
function bundleProxy(): Promise<string> {
  bundled ??= (async () => {
    // Loaded on first use: a run that never builds this image does not pay for esbuild.
    const { build } = await import('esbuild');
    try {
      const result = await build({
        entryPoints: [ENTRY],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        legalComments: 'none',
      });
      return result.outputFiles[0]!.text;
    } catch (err) {
      throw new BugError(`bundling agentup's fault proxy (${ENTRY}) for its Docker image failed: ${(err as Error).message}`, { cause: err });
    }
  })();
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

/** The base image's id when it is local, so a rebuilt base gives a new tag. */
async function baseImageId(docker: Docker, nodeImage: string): Promise<string> {
  try {
    return (await docker.getImage(nodeImage).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return 'not-local';
    throw dockerUnreachable(err);
  }
}

function dockerUnreachable(err: unknown): AgentupError {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  return new AgentupError(`cannot reach the Docker engine at ${where}: ${(err as Error).message}`, {
    hint: 'start Docker (or set DOCKER_HOST to where it listens), or use --runtime process',
    cause: err,
  });
}

async function buildImage(docker: Docker, tag: string, bundle: string, nodeImage: string, onProgress?: (line: string) => void): Promise<void> {
  const context = await mkdtemp(path.join(os.tmpdir(), 'agentup-proxy-image-'));
  try {
    await writeFile(path.join(context, 'Dockerfile'), DOCKERFILE);
    await writeFile(path.join(context, 'fault-proxy.mjs'), bundle);
    const stream = await docker
      .buildImage({ context, src: ['Dockerfile', 'fault-proxy.mjs'] }, { t: tag, buildargs: { NODE_IMAGE: nodeImage }, rm: true, forcerm: true })
      .catch((err: unknown) => {
        throw dockerUnreachable(err);
      });
    // The build's own failures arrive as `error` events in a successful stream.
    const events = await new Promise<Array<{ stream?: string; error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err, output) => (err ? reject(err) : resolve(output ?? [])),
        (event: { stream?: string }) => {
          for (const line of (event.stream ?? '').split('\n')) if (line.trim() !== '') onProgress?.(line.trimEnd());
        },
      ),
    );
    const failed = events.find((e) => e.error !== undefined || e.errorDetail !== undefined);
    if (failed) {
      const reason = failed.errorDetail?.message ?? failed.error ?? 'unknown error';
      throw new AgentupError(`building agentup's fault proxy image ${tag} FROM ${nodeImage} failed: ${reason}`, {
        hint: `check that the base image ${nodeImage} exists locally or can be pulled (AGENTUP_NODE_IMAGE chooses another Node 20 image)`,
      });
    }
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

/**
 * Builds (or finds) the image of agentup's Toxiproxy-compatible fault proxy
 * and returns its tag, `agentup-proxy:<hash>`. The container serves the
 * Toxiproxy API on 8474 and binds proxies where their `listen` says
 * (`0.0.0.0:6379`, `[::]:6379`; an empty host means every interface, as in
 * toxiproxy-server). Env: AGENTUP_PROXY_SEED, AGENTUP_PROXY_METRICS=true.
 * The image is shared by runs, so it carries no `agentup.run` label.
 */
export async function ensureAgentupProxyImage(options: { nodeImage: string; onProgress?: (line: string) => void }): Promise<string> {
  const docker = new Docker();
  const [bundle, baseId] = await Promise.all([bundleProxy(), baseImageId(docker, options.nodeImage)]);
  const hash = createHash('sha256').update(`${options.nodeImage}\0${baseId}\0${DOCKERFILE}\0${bundle}`).digest('hex').slice(0, 16);
  const tag = `${PROXY_IMAGE_REPOSITORY}:${hash}`;
  if (await imageExists(docker, tag).catch((err: unknown) => { throw dockerUnreachable(err); })) return tag;
  // Two starts in one process share a build instead of racing for the tag.
  return building.run(tag, async () => {
    options.onProgress?.(`building ${tag} FROM ${options.nodeImage}`);
    await buildImage(docker, tag, bundle, options.nodeImage, options.onProgress);
    return tag;
  });
}
