/**
 * The second level of the Postgres template: the base template with an
 * environment's databases, users and init_sql already applied, so a run whose
 * setup is baked skips the setup (~0.3 s on the critical path). Keyed by the
 * base template and the setup's content (passwords and the init_sql file's
 * text go into the hash only). Passwords reach the image only as Postgres
 * stores them (SCRAM hashes in pg_authid), never as labels or tags.
 *
 * A run whose setup is not baked yet applies it to its own container as
 * before and bakes the image beside it (bakeSetupImage), off its critical path.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type Docker from 'dockerode';
import { getFreePort } from '../../util/ports.ts';
import { SingleFlight } from '../../util/single-flight.ts';
import { containerTail, pollUntil } from './containers.ts';
import { RUN_LABEL } from './container-reaper.ts';
import { COMPONENT_LABEL } from './docker-names.ts';
import { applyContainerSetup, pgLogin, type ContainerPostgresSetup } from './postgres-container-setup.ts';
import { PG_TEMPLATE_REPOSITORY } from './postgres-image.ts';

/** On every baked image: the base template it was made from. */
const SETUP_BASE_LABEL = 'agentup.postgres-setup.base';
const RECIPE = 'agentup-postgres-setup v1';
/** Baked images kept per base template (different environments, init_sql edits); older ones are removed. */
const KEEP_PER_BASE = 6;
const READY_TIMEOUT_MS = 60_000;

export type SetupContent = Omit<ContainerPostgresSetup, 'port'>;

/** The tag the setup's baked image has, or would have (reads init_sql; a missing file gives null: the per-run path reports it). */
export async function setupImageTag(templateTag: string, s: SetupContent): Promise<string | null> {
  let initSql = '';
  if (s.initSqlFile !== null) {
    try {
      initSql = await fs.readFile(s.initSqlFile, 'utf8');
    } catch {
      return null;
    }
  }
  const hash = createHash('sha256');
  for (const part of [RECIPE, templateTag, s.superuser.name, s.superuser.password, JSON.stringify(s.databases), JSON.stringify(s.users.map((u) => [u.name, u.password])), s.initSqlFile === null ? '-' : `+${initSql}`]) {
    hash.update(part).update('\0');
  }
  return `${PG_TEMPLATE_REPOSITORY}:setup-${hash.digest('hex').slice(0, 16)}`;
}

const baking = new SingleFlight<void>();

/**
 * Builds `tag` from `templateTag` with the setup applied: a container of its
 * own (labelled with the run, so the reaper removes it if we die), setup over
 * a port published on loopback, a clean stop, commit. Once per process per tag.
 */
export function bakeSetupImage(docker: Docker, templateTag: string, tag: string, s: SetupContent, runId: string): Promise<void> {
  return baking.run(tag, () => bake(docker, templateTag, tag, s, runId));
}

async function bake(docker: Docker, templateTag: string, tag: string, s: SetupContent, runId: string): Promise<void> {
  const port = await getFreePort();
  const container = await docker.createContainer({
    name: `agentup-${runId}-postgres-setup-bake`,
    Image: templateTag,
    Labels: { [RUN_LABEL]: runId, [COMPONENT_LABEL]: 'postgres-setup-bake' },
    ExposedPorts: { '5432/tcp': {} },
    HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
  });
  try {
    await container.start();
    await pollUntil(`postgres (baking ${tag})`, () => pgLogin(port, s.superuser.name, s.superuser.password), READY_TIMEOUT_MS, 50, () => containerTail(container));
    await applyContainerSetup({ ...s, port });
    // SIGINT: a clean shutdown, so a start from the image needs no recovery.
    await container.stop({ t: 30 });
    const [repo, version] = tag.split(':') as [string, string];
    await container.commit({
      repo,
      tag: version,
      changes: [`LABEL ${RUN_LABEL}="" ${COMPONENT_LABEL}="postgres-setup" ${SETUP_BASE_LABEL}="${templateTag}"`],
    });
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
  await pruneBaked(docker, templateTag);
}

async function pruneBaked(docker: Docker, templateTag: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`${SETUP_BASE_LABEL}=${templateTag}`] } }).catch(() => []);
  images.sort((a, b) => b.Created - a.Created);
  for (const image of images.slice(KEEP_PER_BASE)) {
    // In use by a running container: docker refuses (409), which is what we want.
    for (const t of image.RepoTags ?? []) await docker.getImage(t).remove().catch(() => undefined);
  }
}
