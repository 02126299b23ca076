/**
 * The Docker tests run on local images only (no registry here or in CI):
 * .ci/docker-images.sh builds them. Imported first by each Docker test file,
 * so the variables are set before any part of the runtime reads them.
 */
import { detectDockerEngine } from '../../../../src/runtime/docker/detect.ts';

Object.assign(process.env, {
  AGENTUP_REDIS_IMAGE: process.env.AGENTUP_REDIS_IMAGE ?? 'agentup-ci/redis:7',
  AGENTUP_POSTGRES_IMAGE: process.env.AGENTUP_POSTGRES_IMAGE ?? 'agentup-ci/postgres:15',
  AGENTUP_NODE_IMAGE: process.env.AGENTUP_NODE_IMAGE ?? 'agentup-ci/node:20',
  // No Toxiproxy image here: agentup's own proxy image stands in for it.
  AGENTUP_TOXIPROXY_IMAGE: process.env.AGENTUP_TOXIPROXY_IMAGE ?? 'agentup',
  SSHD_CONTAINER_IMAGE: process.env.SSHD_CONTAINER_IMAGE ?? 'agentup-ci/sshd:1.3.0',
  TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true',
  TESTCONTAINERS_HOST_OVERRIDE: process.env.TESTCONTAINERS_HOST_OVERRIDE ?? 'localhost',
});

const detection = await detectDockerEngine();
/** The engine the tests use, or null (and a message saying why the Docker tests are skipped). */
export const engine = detection.engine;
if (!engine) console.warn(`Docker runtime tests SKIPPED: no working Docker engine:\n${detection.reasons.map((r) => `  - ${r}`).join('\n')}`);

/** Everything labelled with a run, as `docker ps -a` would list it. */
export async function leftovers(runId: string): Promise<string[]> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker(engine!.dockerOptions);
  const filters = { label: [`agentup.run=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const images = await docker.listImages({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`), ...images.map((i) => `image ${i.RepoTags?.join(',')}`)];
}

export function runIdOf(workDir: string): string {
  const m = /agentup-([0-9a-f]+)$/.exec(workDir);
  if (!m) throw new Error(`no run id in ${workDir}`);
  return m[1]!;
}
