/**
 * Parent-death reaper: a tiny detached watchdog process that cleans up after
 * agentup if agentup dies without doing so itself (crash, `kill -9`). It
 * learns what to clean through a pipe on its stdin; the pipe closing is the
 * signal, so no polling and no pid-reuse guesswork about agentup itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BugError } from '../../errors.ts';

const WATCHDOG = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reaper-watchdog.cjs');

export interface Reaper {
  /** The watchdog's pid. */
  readonly pid: number;
  /** A process group (pgid = pid of a detached child) to kill if agentup dies. */
  trackGroup(pgid: number): void;
  untrackGroup(pgid: number): void;
  /** A single process that does not lead its own group. */
  trackPid(pid: number): void;
  untrackPid(pid: number): void;
  /** A directory (temp data dir) to remove recursively if agentup dies. */
  trackDir(dir: string): void;
  untrackDir(dir: string): void;
  /** Normal shutdown: the watchdog exits without touching anything. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ReaperOptions {
  /** SIGTERM-to-SIGKILL grace the watchdog gives orphans. Default 1500, so all is gone well within 5s. */
  graceMs?: number;
}

class WatchdogReaper implements Reaper {
  #child: ChildProcess;
  #closed = false;
  #exited: Promise<void>;

  constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((r) => child.once('exit', () => r()));
    // Writes after the watchdog died would raise EPIPE; there is no one to clean up for then.
    child.stdin!.on('error', () => {});
  }

  get pid(): number {
    return this.#child.pid!;
  }

  #send(line: string): void {
    if (this.#closed) return;
    if (line.includes('\n')) throw new BugError(`reaper command with a newline: ${JSON.stringify(line)}`);
    this.#child.stdin!.write(`${line}\n`);
  }

  trackGroup(pgid: number): void {
    this.#send(`group ${pgid}`);
  }
  untrackGroup(pgid: number): void {
    this.#send(`ungroup ${pgid}`);
  }
  trackPid(pid: number): void {
    this.#send(`pid ${pid}`);
  }
  untrackPid(pid: number): void {
    this.#send(`unpid ${pid}`);
  }
  trackDir(dir: string): void {
    this.#send(`dir ${path.resolve(dir)}`);
  }
  untrackDir(dir: string): void {
    this.#send(`undir ${path.resolve(dir)}`);
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#exited;
    this.#send('close');
    this.#closed = true;
    this.#child.stdin!.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 2000);
    await this.#exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

export async function startReaper(options: ReaperOptions = {}): Promise<Reaper> {
  const child = spawn(process.execPath, [WATCHDOG, String(options.graceMs ?? 1500)], {
    // Its own session: Ctrl-C in agentup's terminal must not take the watchdog down with it.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: {},
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  // Neither the watchdog nor its pipe may keep agentup alive; agentup exiting
  // without close() is exactly the case the watchdog is for.
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  return new WatchdogReaper(child);
}
