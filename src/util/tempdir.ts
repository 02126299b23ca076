import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A directory that belongs to one run; `remove()` is idempotent. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * Creates a fresh directory under `base` (the OS temp dir by default; a tmpfs
 * such as /dev/shm makes copying a Postgres data dir ~10x cheaper). Mode 0711 rather than
 * mkdtemp's 0700: when agentup runs as root, Postgres runs as the `postgres`
 * user and must be able to pass through this directory to its data dir
 * (others can traverse it but not list it).
 */
export async function makeTempDir(prefix = 'agentup-', base = os.tmpdir()): Promise<TempDir> {
  const dir = await fs.mkdtemp(path.join(base, prefix));
  await fs.chmod(dir, 0o711);
  const remove = () => fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  return { path: dir, remove, [Symbol.asyncDispose]: remove };
}
