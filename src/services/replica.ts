/**
 * One incarnation of one replica: a child process of the user's `command`.
 * The child leads its own process group so signals reach the real program
 * behind `/bin/sh -c` (dash does not exec the last command) and so the whole
 * tree can be paused, killed and waited on as one, like a container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { AgentupError } from '../errors.ts';
import { LineSplitter, parseLogLine, type LogLine } from './log-lines.ts';
import { listGroupPids, signalGroup, waitGroupGone } from './process-group.ts';
import { treeRssBytes } from './oom-watch.ts';

export type ExitReason = 'crashed' | 'exited' | 'oom_killed' | 'stopped' | 'health_check_failed';

export interface ReplicaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Shell-style: the code, or 128 + signal number (137 for SIGKILL). */
  exitCode: number;
  /** Why it ended: set by whoever killed it, else `exited` (code 0) or `crashed`. */
  reason: ExitReason;
}

export interface ReplicaOptions {
  /** Replica id, e.g. `triage-1`; tags every log line. */
  id: string;
  /** A string runs under `/bin/sh -c`; an array is exec form. */
  command: string | string[];
  cwd: string;
  /** The full, resolved environment (nothing is inherited). */
  env: Record<string, string>;
  onLog?: (line: LogLine) => void;
  /** How many recent lines to keep for crash reports. */
  keepLines?: number;
}

export class Replica {
  readonly id: string;
  readonly pid: number;
  readonly startedAt = Date.now();
  /** Resolves when the main process has exited (never rejects). */
  readonly exited: Promise<ReplicaExit>;
  #child: ChildProcess;
  #reason: ExitReason | undefined;
  #exit: ReplicaExit | undefined;
  #recent: LogLine[] = [];
  #stopping = false;
  #paused = false;

  private constructor(options: ReplicaOptions, child: ChildProcess) {
    this.id = options.id;
    this.#child = child;
    this.pid = child.pid!;
    const keep = options.keepLines ?? 50;
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter((raw) => {
        const line = parseLogLine(raw, this.id, stream);
        this.#recent.push(line);
        if (this.#recent.length > keep) this.#recent.shift();
        options.onLog?.(line);
      });
      const source = child[stream]!;
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => splitter.push(chunk));
      source.on('end', () => splitter.flush());
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const exitCode = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
        this.#exit = { code, signal, exitCode, reason: this.#reason ?? (code === 0 ? 'exited' : 'crashed') };
        // The main process is gone: take the rest of its group with it, like a
        // container. During stop() the grace period still applies to them.
        if (!this.#stopping) signalGroup(this.pid, 'SIGKILL');
        resolve(this.#exit);
      });
    });
  }

  static spawn(options: ReplicaOptions): Replica {
    const [file, args] =
      typeof options.command === 'string' ? ['/bin/sh', ['-c', shellCommand(options.command)]] : [options.command[0]!, options.command.slice(1)];
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw spawnError(options, err);
    }
    if (child.pid === undefined) {
      // spawn reports ENOENT (missing cwd or program) asynchronously with no pid.
      child.on('error', () => {});
      throw spawnError(options, new Error(`could not start ${file}`));
    }
    return new Replica(options, child);
  }

  get running(): boolean {
    return this.#exit === undefined;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get exitInfo(): ReplicaExit | undefined {
    return this.#exit;
  }

  /** The last captured lines, oldest first. */
  lastLines(n = 20): LogLine[] {
    return this.#recent.slice(-n);
  }

  /** Resident memory of the process tree in bytes. */
  rssBytes(): number {
    return this.running ? treeRssBytes(this.pid) : 0;
  }

  /** Signals the whole group; `reason` is reported on exit if this kills it. */
  kill(signal: NodeJS.Signals = 'SIGKILL', reason?: ExitReason): boolean {
    if (reason !== undefined && this.#reason === undefined) this.#reason = reason;
    return signalGroup(this.pid, signal);
  }

  pause(): void {
    if (this.running && signalGroup(this.pid, 'SIGSTOP')) this.#paused = true;
  }

  resume(): void {
    if (signalGroup(this.pid, 'SIGCONT')) this.#paused = false;
  }

  /**
   * SIGTERM to the group, SIGKILL to whatever is left after `graceMs`.
   * Resolves when the main process and every group member are gone.
   */
  async stop(graceMs = 3000): Promise<ReplicaExit> {
    this.#stopping = true;
    const t0 = Date.now();
    if (this.#reason === undefined) this.#reason = 'stopped';
    if (this.running || listGroupPids(this.pid).length > 0) {
      signalGroup(this.pid, 'SIGTERM');
      // A stopped process only acts on SIGTERM once it runs again.
      if (this.#paused) this.resume();
      const graceful = await Promise.race([
        this.exited.then(() => waitGroupGone(this.pid, Math.max(0, graceMs - (Date.now() - t0)))),
        new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref()),
      ]);
      if (!graceful) {
        signalGroup(this.pid, 'SIGKILL');
        await this.exited;
        await waitGroupGone(this.pid, 2000);
      }
    }
    return this.exited;
  }
}

function spawnError(options: ReplicaOptions, cause: unknown): AgentupError {
  const cmd = typeof options.command === 'string' ? options.command : options.command.join(' ');
  return new AgentupError(`could not start replica ${options.id}: \`${cmd}\` in ${options.cwd}: ${(cause as Error).message}`, {
    hint: 'check the service command and that its cwd exists',
    cause,
  });
}

/**
 * A simple command (no lists, pipes, redirections or substitutions) is run
 * with `exec`, so the shell is replaced by the program: a SIGTERM then reaches
 * the program itself, which can shut down gracefully, instead of killing the
 * shell and being reported as a crash. Anything more complex keeps its shell.
 */
export function shellCommand(command: string): string {
  return /[;&|<>()`$\n]/.test(command) || /^\s*exec\s/.test(command) ? command : `exec ${command}`;
}
