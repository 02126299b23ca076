import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a running control API leaves on disk so `connectSimulation()` with no URL can find it. */
export interface Discovery {
  pid: number;
  name: string;
  /** Base URL without the token. */
  url: string;
  tokenFile: string;
  startedAt: number;
}

/** `$XDG_RUNTIME_DIR` (per-user, tmpfs) when set, else `~/.agentup`. */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR ? env.XDG_RUNTIME_DIR : path.join(os.homedir(), '.agentup');
}

/**
 * Writes the token file and the discovery file, both readable by the user
 * only. The port is part of the name so several simulations in one process
 * (a test file) do not overwrite each other's token.
 */
export function writeControlFiles(dir: string, info: Omit<Discovery, 'tokenFile'>, token: string, port: number): { tokenFile: string; discoveryFile: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  pruneDead(dir);
  const base = path.join(dir, `agentup-${info.pid}-${port}`);
  const tokenFile = `${base}.token`;
  const discoveryFile = `${base}.json`;
  writePrivate(tokenFile, `${token}\n`);
  writePrivate(discoveryFile, `${JSON.stringify({ ...info, tokenFile } satisfies Discovery)}\n`);
  return { tokenFile, discoveryFile };
}

function writePrivate(file: string, text: string): void {
  // 'wx' never follows a planted file or symlink; a leftover of a dead run with our pid is replaced.
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600); // the umask may have narrowed it further, never widened; make it exact
}

export function removeControlFiles(files: { tokenFile: string; discoveryFile: string }): void {
  fs.rmSync(files.tokenFile, { force: true });
  fs.rmSync(files.discoveryFile, { force: true });
}

/** Files left by runs that were killed before they could remove them (kill -9). */
function pruneDead(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^agentup-(\d+)-\d+\.(json|token)$/.exec(name);
    if (m && !isAlive(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Discovery files of control APIs whose process is still alive. */
export function findRunning(dir: string): Discovery[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: Discovery[] = [];
  for (const name of names) {
    if (!/^agentup-\d+-\d+\.json$/.test(name)) continue;
    try {
      const d = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Discovery;
      if (isAlive(d.pid)) found.push(d);
    } catch {
      // Half-written or removed while reading: not a running simulation.
    }
  }
  return found.sort((a, b) => b.startedAt - a.startedAt);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
