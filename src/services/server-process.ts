/**
 * A long-running server (redis-server, postgres) spawned as the leader of its
 * own process group, so one `kill(-pgid)` reaches it and every worker it
 * forked, and the run's reaper can do the same by pid if agentup dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { BugError } from '../errors.ts';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() asked for it; false means a crash worth reporting. */
  expected: boolean;
}

export interface SpawnServerOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  onLog?: ((line: string) => void) | undefined;
}

const TAIL_LINES = 40;
const CLOSE_WAIT_MS = 1000;
/** Groups still alive, killed synchronously if Node exits without stop(). */
const live = new Set<ServerProcess>();
let exitHookInstalled = false;

function killLiveOnExit(): void {
  for (const server of live) server.killGroup();
}

export class ServerProcess {
  readonly pid: number;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #listeners = new Set<(exit: ServerExit) => void>();
  readonly exited: Promise<ServerExit>;
  #exit: ServerExit | null = null;
  #stopping = false;

  constructor(readonly name: string, file: string, args: string[], options: SpawnServerOptions) {
    this.#child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    if (this.#child.pid === undefined) {
      // spawn reports ENOENT/EACCES asynchronously; findBinary has already checked the file.
      this.#child.once('error', () => undefined);
      throw new BugError(`could not spawn ${name} (${file})`);
    }
    this.pid = this.#child.pid;
    live.add(this);
    if (!exitHookInstalled) {
      process.on('exit', killLiveOnExit);
      exitHookInstalled = true;
    }
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        options.onLog?.(line);
      });
    }
    this.exited = new Promise((resolve) => {
      this.#child.once('error', () => undefined);
      const closed = new Promise<void>((r) => this.#child.once('close', () => r()));
      this.#child.once('exit', (code, signal) => {
        live.delete(this);
        // Workers orphaned by a crashed leader must not outlive it.
        this.killGroup();
        // Wait for the pipes to drain so recentOutput() holds the last words
        // (e.g. "Address already in use"); capped in case something holds them open.
        const drained = new Promise<void>((r) => setTimeout(r, CLOSE_WAIT_MS).unref());
        void Promise.race([closed, drained]).then(() => {
          this.#exit = { code, signal, expected: this.#stopping };
          for (const cb of this.#listeners) cb(this.#exit);
          resolve(this.#exit);
        });
      });
    });
  }

  get exitInfo(): ServerExit | null {
    return this.#exit;
  }

  /** Called once when the process exits, for a crash as well as for stop(). Returns an unsubscribe. */
  onExit(cb: (exit: ServerExit) => void): () => void {
    if (this.#exit) {
      cb(this.#exit);
      return () => undefined;
    }
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /** The last lines the server printed, for error messages. */
  recentOutput(): string[] {
    return [...this.#tail];
  }

  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  /** Asks the leader to shut down with `signal`; SIGKILLs the group after `graceMs`. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<ServerExit> {
    if (this.#exit) return this.#exit;
    this.#stopping = true;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Already exiting; the exit event still arrives.
    }
    const timer = setTimeout(() => this.killGroup(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
