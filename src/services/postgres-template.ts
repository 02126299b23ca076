/**
 * initdb once per machine into a cache, then copy that data dir for each run:
 * initdb costs ~0.6-1.3 s and a copy 50-300 ms (the
 * 24 MB of a fresh cluster; more when the disk is busy). The template is built in a temp dir
 * and renamed into place, so two agentup processes racing on a cold cache both
 * succeed and neither sees a half-written template.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AgentupError } from '../errors.ts';
import { findPostgresBinaries } from './binaries.ts';
import { ramTempBase } from '../util/tempdir.ts';
import { SingleFlight } from '../util/single-flight.ts';
import type { RunAs } from './postgres-user.ts';

const run = promisify(execFile);

export const SUPERUSER = { user: 'postgres', password: 'postgres' } as const;

export interface PostgresTemplate {
  /** A data dir made by initdb, owned by the user the server runs as. */
  dir: string;
  version: string;
  /** How long initdb took, or null when the cached template was used. */
  initdbMs: number | null;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'agentup');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

/** Builds in flight in this process, so concurrent starts share one initdb. */
const building = new SingleFlight<PostgresTemplate>();

/** The cached template for the installed Postgres, built on first use. */
export async function ensurePostgresTemplate(runAs: RunAs | null, cacheDir = defaultCacheDir()): Promise<PostgresTemplate> {
  const { initdb, version } = await findPostgresBinaries();
  const versionDir = path.join(cacheDir, `postgres-${version}`);
  const dir = path.join(versionDir, 'template');
  if (await exists(path.join(dir, 'PG_VERSION'))) return { dir, version, initdbMs: null };
  return building.run(dir, () => buildTemplate(initdb, version, versionDir, dir, runAs));
}

async function buildTemplate(initdb: string, version: string, versionDir: string, dir: string, runAs: RunAs | null): Promise<PostgresTemplate> {
  const started = performance.now();
  // Built outside the cache: as root, initdb runs as `postgres`, which cannot enter ~root.
  const staging = await fs.mkdtemp(path.join(ramTempBase(), 'agentup-initdb-'));
  try {
    await fs.chmod(staging, 0o711);
    if (runAs) await fs.chown(staging, runAs.uid, runAs.gid);
    const pwfile = path.join(staging, 'pwfile');
    await fs.writeFile(pwfile, `${SUPERUSER.password}\n`, { mode: 0o600 });
    if (runAs) await fs.chown(pwfile, runAs.uid, runAs.gid);
    const data = path.join(staging, 'data');
    const args = [`--pgdata=${data}`, `--username=${SUPERUSER.user}`, `--pwfile=${pwfile}`];
    // trust on the socket (it lives in the run's own dir); real passwords over TCP, like production.
    args.push('--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C');
    // 1 MB WAL segments: a far smaller data dir to copy per run (16 MB by default).
    args.push('--no-sync', '--no-instructions', '--wal-segsize=1');
    // Without these, initdb leaves 7 recycled (unused) segments behind: 24 MB instead of 31 MB.
    args.push('--set=wal_recycle=off', '--set=min_wal_size=2MB');
    try {
      await run(initdb, args, { cwd: staging, env: { ...process.env, LC_ALL: 'C' }, ...(runAs ?? {}) });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim() ?? String(err);
      throw new AgentupError(`initdb for Postgres ${version} failed:\n${stderr}`, {
        hint: `check that ${path.dirname(staging)} is writable and has space`,
        cause: err,
      });
    }
    await fs.mkdir(versionDir, { recursive: true });
    const partial = path.join(versionDir, `.template-${crypto.randomBytes(6).toString('hex')}`);
    await copyDataDir(data, partial, runAs);
    try {
      await fs.rename(partial, dir);
    } catch (err) {
      await fs.rm(partial, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      // Another process won the race: its template is as good as ours.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return { dir, version, initdbMs: Math.round(performance.now() - started) };
}

/**
 * Copies a data dir keeping modes and (as root) owners. `cp -R -p` is ~4x
 * faster than fs.cp on the ~1000 small files of a fresh cluster.
 */
export async function copyDataDir(from: string, to: string, runAs: RunAs | null): Promise<void> {
  await run('cp', ['-R', '-p', from, to]);
  if (!runAs) return;
  const stat = await fs.stat(to);
  if (stat.uid === runAs.uid && stat.gid === runAs.gid) return;
  // The cached template predates a change of the postgres user's ids.
  await run('chown', ['-R', `${runAs.uid}:${runAs.gid}`, to]);
}
