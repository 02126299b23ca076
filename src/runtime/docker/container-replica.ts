/**
 * One replica container across its incarnations: created once, then started
 * again on each restart (same name, alias and published port). Reports each
 * exit once, with OOMKilled read from the container state, and streams its
 * output as log lines from the moment it starts.
 */
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { LineSplitter, parseLogLine, type LogLine } from '../../services/log-lines.ts';
import type { ExitReason } from '../../services/replica.ts';

export interface ContainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  exitCode: number;
  reason: ExitReason;
  oomKilled: boolean;
}

const SIGNALS = Object.entries(constants.signals) as Array<[NodeJS.Signals, number]>;

export class ContainerReplica {
  startedAt = 0;
  pid = 0;
  running = false;
  paused = false;
  /** Why we stopped it ourselves, so its exit reads as that instead of a crash. */
  #cause: ExitReason | null = null;
  #lines: LogLine[] = [];
  #logStream: NodeJS.ReadableStream | null = null;

  constructor(
    readonly id: string,
    readonly container: Docker.Container,
    private readonly onLog: (line: LogLine) => void,
  ) {}

  /** Starts this incarnation; resolves with its exit once it ends. */
  async start(): Promise<{ exited: Promise<ContainerExit> }> {
    this.#cause = null;
    this.paused = false;
    const sinceSeconds = Date.now() / 1000;
    await this.container.start();
    this.startedAt = Date.now();
    this.running = true;
    // Logs and the exit watch go out before the inspect (for the pid): no round trip waits on another.
    void this.#followLogs(sinceSeconds - 0.5);
    const exited = this.container.wait().then(() => this.#exit(), () => this.#exit());
    this.pid = (await this.container.inspect()).State.Pid;
    return { exited };
  }

  async #exit(): Promise<ContainerExit> {
    this.running = false;
    this.paused = false;
    let exitCode = 137;
    let oomKilled = false;
    try {
      const state = (await this.container.inspect()).State;
      exitCode = state.ExitCode;
      oomKilled = state.OOMKilled;
    } catch {
      // removed under us: read it as killed
    }
    const signal = exitCode > 128 ? SIGNALS.find(([, n]) => n === exitCode - 128)?.[0] ?? null : null;
    const reason: ExitReason = oomKilled ? 'oom_killed' : this.#cause ?? (exitCode === 0 ? 'exited' : 'crashed');
    return { code: signal ? null : exitCode, signal, exitCode, reason, oomKilled };
  }

  async #followLogs(sinceSeconds: number): Promise<void> {
    try {
      const stream = (await this.container.logs({ follow: true, stdout: true, stderr: true, since: sinceSeconds.toFixed(3) as unknown as number })) as NodeJS.ReadableStream;
      this.#logStream = stream;
      const out = new PassThrough();
      const err = new PassThrough();
      this.container.modem.demuxStream(stream, out, err);
      for (const [s, name] of [[out, 'stdout'], [err, 'stderr']] as const) {
        s.setEncoding('utf8');
        const splitter = new LineSplitter((raw) => {
          const line = parseLogLine(raw, this.id, name);
          this.#lines.push(line);
          if (this.#lines.length > 50) this.#lines.shift();
          this.onLog(line);
        });
        s.on('data', (chunk: string) => splitter.push(chunk));
        s.on('end', () => splitter.flush());
      }
      stream.on('end', () => {
        out.end();
        err.end();
      });
    } catch {
      // the container went away before its logs could be followed
    }
  }

  lastLines(n: number): LogLine[] {
    return this.#lines.slice(-n);
  }

  /** Sends a signal (fault injection); false when it is not running. */
  kill(signal: NodeJS.Signals = 'SIGKILL', cause: ExitReason | null = null): boolean {
    if (!this.running) return false;
    if (cause) this.#cause = cause;
    // Docker cannot signal a paused container's processes; SIGKILL still works through the cgroup.
    void this.container.kill({ signal }).catch(() => undefined);
    return true;
  }

  async pause(): Promise<void> {
    await this.container.pause();
    this.paused = true;
  }

  async resume(): Promise<void> {
    await this.container.unpause();
    this.paused = false;
  }

  /** SIGTERM, SIGKILL after the grace period (docker stop). */
  async stop(graceMs: number): Promise<void> {
    this.#cause = 'stopped';
    if (this.paused) await this.resume().catch(() => undefined);
    if (this.running) await this.container.stop({ t: Math.ceil(graceMs / 1000) }).catch(() => undefined);
    (this.#logStream as { destroy?: () => void } | null)?.destroy?.();
  }
}
