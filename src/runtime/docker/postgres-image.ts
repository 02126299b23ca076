/**
 * The Docker twin of services/postgres-template.ts: initdb once per machine
 * and base image, not on every start. A container of the Postgres image runs
 * its own entrypoint once (so the official image and the CI stand-in work
 * alike) with PGDATA outside the image's VOLUME (docker commit drops volume
 * contents), is stopped cleanly, and committed as
 * `agentup-postgres-template:<hash>`. A run then starts that image: the
 * entrypoint finds PG_VERSION and skips initdb; databases, users and
 * init_sql are applied over the published port (postgres-setup.ts).
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { AgentupError } from '../../errors.ts';
import { containerTail, pollUntil } from './containers.ts';
import { RUN_LABEL } from './container-reaper.ts';
import { SingleFlight } from '../../util/single-flight.ts';
import { COMPONENT_LABEL, imageExists } from './docker-names.ts';

export const PG_TEMPLATE_REPOSITORY = 'agentup-postgres-template';
/** On every template image: the base image's id. `docker images --filter label=agentup.postgres-template` lists them. */
export const PG_TEMPLATE_LABEL = 'agentup.postgres-template';
const PG_TEMPLATE_BASE_LABEL = 'agentup.postgres-template.base';
/** Not under /var/lib/postgresql: the official image declares a VOLUME there. */
export const TEMPLATE_PGDATA = '/var/lib/agentup-pgdata';
export const TEMPLATE_SUPERUSER = { user: 'postgres', password: 'postgres' } as const;
/** What initdb is given; part of the tag, so changing it makes a new template. */
const TEMPLATE_ENV = [
  `PGDATA=${TEMPLATE_PGDATA}`,
  `POSTGRES_USER=${TEMPLATE_SUPERUSER.user}`,
  `POSTGRES_PASSWORD=${TEMPLATE_SUPERUSER.password}`,
  'POSTGRES_DB=postgres',
  // Honoured by the official image: 1 MB WAL segments, less to copy up per run.
  'POSTGRES_INITDB_ARGS=--wal-segsize=1 --no-sync',
];
const RECIPE = 'agentup-postgres-template v2';
const INIT_TIMEOUT_MS = 120_000;

export interface PostgresTemplateImage {
  tag: string;
  /** ms spent building it, or null when it was already there. */
  buildMs: number | null;
}

const building = new SingleFlight<PostgresTemplateImage>();

async function baseId(docker: Docker, image: string): Promise<string> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) {
      throw new AgentupError(`image ${image} for postgres is not on this machine`, {
        hint: `docker pull ${image}, or set postgres.image in the environment file (or AGENTUP_POSTGRES_IMAGE)`,
        cause: err,
      });
    }
    throw err;
  }
}

export function templateTag(baseImageId: string): string {
  const hash = createHash('sha256').update(`${RECIPE}\0${baseImageId}\0${TEMPLATE_ENV.join('\0')}`).digest('hex').slice(0, 16);
  return `${PG_TEMPLATE_REPOSITORY}:${hash}`;
}

/** The template image for `baseImage`, built on first use (once per process when starts race). */
export async function ensurePostgresTemplateImage(docker: Docker, baseImage: string, runId: string): Promise<PostgresTemplateImage> {
  const id = await baseId(docker, baseImage);
  const tag = templateTag(id);
  if (await imageExists(docker, tag)) return { tag, buildMs: null };
  return building.run(tag, () => buildTemplate(docker, baseImage, id, tag, runId));
}

async function buildTemplate(docker: Docker, baseImage: string, id: string, tag: string, runId: string): Promise<PostgresTemplateImage> {
  const t0 = performance.now();
  const container = await docker.createContainer({
    name: `agentup-${runId}-postgres-template`,
    Image: baseImage,
    Env: TEMPLATE_ENV,
    // The run's label, so a crash mid-build leaves nothing; the commit below overrides it.
    Labels: { [RUN_LABEL]: runId, [COMPONENT_LABEL]: 'postgres-template' },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    // Both the official entrypoint and the stand-in say this once initdb and the init scripts are done.
    await pollUntil(`initdb in ${baseImage}`, async () => (await containerTail(container, 50)).includes('init process complete'), INIT_TIMEOUT_MS, 50, () => containerTail(container));
    // SIGINT (the image's stop signal): a fast, clean shutdown, so the next start needs no recovery.
    await container.stop({ t: 30 });
    const owner = await ownerOf(container, TEMPLATE_PGDATA);
    const [repo, version] = tag.split(':') as [string, string];
    await container.commit({
      repo,
      tag: version,
      changes: [
        `LABEL ${RUN_LABEL}="" ${COMPONENT_LABEL}="postgres-template" ${PG_TEMPLATE_LABEL}="${id}" ${PG_TEMPLATE_BASE_LABEL}="${baseImage}"`,
        // Started as the data dir's owner, the entrypoint skips its `chown -R` of
        // PGDATA, which on overlay2 copies every file of the cluster up (~0.4 s here).
        `USER ${owner}`,
      ],
    });
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
  await pruneOlderTemplates(docker, baseImage, tag);
  return { tag, buildMs: Math.round(performance.now() - t0) };
}

/** `uid:gid` of a path in a (stopped) container, from the first tar header of its archive. */
async function ownerOf(container: Docker.Container, file: string): Promise<string> {
  const stream = (await container.getArchive({ path: file })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  let head = Buffer.alloc(0);
  for await (const chunk of stream) {
    head = Buffer.concat([head, chunk as Buffer]);
    if (head.length >= 512) break;
  }
  stream.destroy();
  const octal = (at: number): number => parseInt(head.subarray(at, at + 8).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  const uid = octal(108);
  const gid = octal(116);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new AgentupError(`could not read the owner of ${file} in the Postgres template container`, { hint: 'report this with the postgres image you use' });
  return `${uid}:${gid}`;
}

/** Templates of an earlier build of the same base image name: nothing will start them again. */
async function pruneOlderTemplates(docker: Docker, baseImage: string, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${PG_TEMPLATE_BASE_LABEL}=${baseImage}`] } }).catch(() => []);
  for (const image of images) {
    for (const t of image.RepoTags ?? []) {
      // In use by a running container: docker refuses (409), which is what we want.
      if (t !== keep) await docker.getImage(t).remove().catch(() => undefined);
    }
  }
}
