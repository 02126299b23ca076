/**
 * Owns the replicas of one service: starts them, waits for readiness, probes
 * health, enforces the memory limit, restarts per policy with exponential
 * backoff and reports all of it as events. The load balancer follows those
 * events (`lb.attach(supervisor)`).
 */
import { EventEmitter } from 'node:events';
import { AgentupError, BugError } from '../errors.ts';
import { Replica, type ReplicaExit } from './replica.ts';
import { watchMemory } from './oom-watch.ts';
import { RestartBackoff } from './restart-backoff.ts';
import { runProbeLoop } from './replica-probe.ts';
import type { LogLine } from './log-lines.ts';
import type { ReplicaSnapshot, ReplicaStatus, SupervisorEvent, SupervisorEventMap } from './supervisor-events.ts';
import type { ServiceSupervisorOptions } from './supervisor-options.ts';

export type { ReplicaSnapshot, ReplicaStatus, SupervisorEvent, SupervisorEventMap } from './supervisor-events.ts';
export type { ProcessTracker, ServiceSupervisorOptions, SupervisedService } from './supervisor-options.ts';

interface Slot {
  index: number;
  id: string;
  port: number;
  status: ReplicaStatus;
  replica: Replica | null;
  restarts: number;
  rssBytes: number;
  healthySince: number | null;
  lastExit: ReplicaSnapshot['lastExit'];
  backoff: RestartBackoff;
  restartTimer: NodeJS.Timeout | null;
  stopMemory: (() => void) | null;
  oomRssBytes: number;
  /** Settles the first readiness of start(); null once settled. */
  startup: { resolve: () => void; reject: (err: Error) => void } | null;
}

export class ServiceSupervisor extends EventEmitter<SupervisorEventMap> {
  readonly name: string;
  #opts: ServiceSupervisorOptions;
  #slots: Slot[];
  #stopping = false;

  constructor(options: ServiceSupervisorOptions) {
    super();
    if (options.ports.length === 0) throw new BugError(`service ${options.service.name} was given no ports`);
    this.#opts = options;
    this.name = options.service.name;
    this.#slots = options.ports.map((port, index) => ({
      index,
      id: `${this.name}-${index + 1}`,
      port,
      status: 'stopped',
      replica: null,
      restarts: 0,
      rssBytes: 0,
      healthySince: null,
      lastExit: null,
      backoff: new RestartBackoff(options.service.restart),
      restartTimer: null,
      stopMemory: null,
      oomRssBytes: 0,
      startup: null,
    }));
  }

  /**
   * Spawns every replica. With `waitHealthy` (default) resolves once all are
   * healthy; if one is not ready in time or exits first, stops everything and
   * throws an AgentupError quoting the target, the timeout and its last output.
   */
  async start(options: { waitHealthy?: boolean } = {}): Promise<void> {
    const waitHealthy = options.waitHealthy ?? true;
    const ready = this.#slots.map(
      (slot) =>
        new Promise<void>((resolve, reject) => {
          slot.startup = waitHealthy ? { resolve, reject } : null;
          if (!waitHealthy) resolve();
        }),
    );
    try {
      for (const slot of this.#slots) this.#launch(slot, 1);
      await Promise.all(ready);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  replicas(): ReplicaSnapshot[] {
    return this.#slots.map((s) => ({
      id: s.id,
      index: s.index,
      port: s.port,
      pid: s.replica?.running ? s.replica.pid : null,
      status: s.status,
      restarts: s.restarts,
      rssBytes: s.rssBytes,
      startedAt: s.replica?.startedAt ?? null,
      lastExit: s.lastExit,
      inCrashLoop: s.backoff.inCrashLoop,
    }));
  }

  /** Sends a signal to replica `index`'s process group (fault injection). */
  kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.#slot(index).replica?.kill(signal) ?? false;
  }

  /** SIGSTOP: the process keeps its sockets but stops answering, so health checks start failing. */
  pause(index: number): void {
    const slot = this.#slot(index);
    if (!slot.replica?.running || slot.replica.paused) return;
    slot.replica.pause();
    slot.status = 'paused';
    this.#emit(slot, { type: 'replica_paused' });
  }

  resume(index: number): void {
    const slot = this.#slot(index);
    if (!slot.replica?.paused) return;
    slot.replica.resume();
    if (slot.status === 'paused') slot.status = slot.healthySince !== null ? 'healthy' : 'starting';
    this.#emit(slot, { type: 'replica_resumed' });
  }

  /** Graceful stop of one replica, then a fresh start on the same port, without backoff. */
  async restart(index: number): Promise<void> {
    const slot = this.#slot(index);
    if (this.#stopping) return;
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
    const old = slot.replica;
    slot.replica = null; // the old incarnation's exit is no longer ours to act on
    slot.status = 'restarting';
    slot.restarts += 1;
    this.#emit(slot, { type: 'replica_restarting', attempt: slot.restarts, delayMs: 0, manual: true });
    if (old) await this.#stopReplica(slot, old);
    if (!this.#stopping) this.#launch(slot, slot.restarts + 1);
  }

  /** SIGTERM every replica, SIGKILL after the grace period; resolves when all are gone. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        if (slot.restartTimer) clearTimeout(slot.restartTimer);
        slot.restartTimer = null;
        const replica = slot.replica;
        if (replica) await this.#stopReplica(slot, replica);
        if (slot.status !== 'stopped') {
          slot.status = 'stopped';
          this.#emit(slot, { type: 'replica_stopped', exitCode: replica?.exitInfo?.exitCode ?? 0 });
        }
      }),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #stopReplica(slot: Slot, replica: Replica): Promise<void> {
    slot.stopMemory?.();
    await replica.stop(this.#opts.stopGraceMs ?? 3000);
    this.#opts.tracker?.untrackGroup(replica.pid);
  }

  #slot(index: number): Slot {
    const slot = this.#slots[index];
    if (!slot) throw new AgentupError(`service ${this.name} has no replica ${index + 1}`, { hint: `replicas are 1 to ${this.#slots.length}` });
    return slot;
  }

  #emit(slot: Slot, event: Record<string, unknown> & { type: SupervisorEvent['type'] }): void {
    const full = { ts: Date.now(), service: this.name, replica: slot.id, index: slot.index, ...event } as SupervisorEvent;
    // The typed map cannot follow `full.type` to its member; the union is built to match.
    const emit = this.emit.bind(this) as (name: string, event: SupervisorEvent) => boolean;
    emit(full.type, full);
    emit('event', full);
  }

  #envFor(slot: Slot): Record<string, string> {
    const env = this.#opts.env;
    const base = typeof env === 'function' ? env(slot.index) : env;
    return { ...base, [this.#opts.service.portEnv]: String(slot.port) };
  }

  #launch(slot: Slot, attempt: number): void {
    const svc = this.#opts.service;
    let replica: Replica;
    try {
      replica = Replica.spawn({
        id: slot.id,
        command: svc.command,
        cwd: svc.cwd,
        env: this.#envFor(slot),
        onLog: (line: LogLine) => this.emit('log', line),
      });
    } catch (err) {
      slot.status = 'crashed';
      if (slot.startup) slot.startup.reject(err as Error);
      slot.startup = null;
      return;
    }
    slot.replica = replica;
    slot.status = 'starting';
    slot.healthySince = null;
    slot.rssBytes = 0;
    this.#opts.tracker?.trackGroup(replica.pid);
    this.#emit(slot, { type: 'replica_starting', pid: replica.pid, port: slot.port, attempt });
    if (svc.memoryLimitMb !== null) {
      const limitBytes = svc.memoryLimitMb * 1024 * 1024;
      slot.stopMemory = watchMemory({
        pid: replica.pid,
        limitBytes,
        pollMs: this.#opts.memoryPollMs ?? 200,
        onSample: (rss) => (slot.rssBytes = rss),
        onExceeded: (rss) => {
          slot.oomRssBytes = rss;
          replica.kill('SIGKILL', 'oom_killed');
        },
      });
    }
    void replica.exited.then((exit) => this.#onExit(slot, replica, exit));
    void this.#probeLoop(slot, replica);
  }

  #probeLoop(slot: Slot, replica: Replica): Promise<void> {
    const svc = this.#opts.service;
    return runProbeLoop({
      id: slot.id,
      port: slot.port,
      healthCheck: svc.healthCheck,
      startedAt: replica.startedAt,
      startupTimeoutMs: svc.startupTimeoutMs,
      readyPollMs: this.#opts.readyPollMs ?? 25,
      alive: () => slot.replica === replica && replica.running && !this.#stopping,
      onReady: () => {
        slot.healthySince = Date.now();
        if (slot.status === 'starting') slot.status = 'healthy';
        this.#emit(slot, { type: 'replica_healthy', pid: replica.pid, port: slot.port, startupMs: slot.healthySince - replica.startedAt });
        slot.startup?.resolve();
        slot.startup = null;
      },
      onNotReady: (message) => {
        const hc = svc.healthCheck;
        this.#failStartup(slot, new AgentupError(message + formatLastLines(replica.lastLines(10)), {
          hint: `check that ${svc.name} listens on the port in $${svc.portEnv}${hc ? ` and answers GET ${hc.path} with 2xx or 3xx` : ''}, or give it a longer startup timeout`,
        }));
        this.#markUnhealthy(slot, replica, message, 0);
      },
      onUnhealthy: (reason, failures) => this.#markUnhealthy(slot, replica, reason, failures),
    });
  }

  /** Out of rotation, then killed like a failed liveness probe; the exit handler restarts it. */
  #markUnhealthy(slot: Slot, replica: Replica, reason: string, failures: number): void {
    slot.status = 'unhealthy';
    this.#emit(slot, { type: 'replica_unhealthy', reason, failures });
    replica.kill('SIGKILL', 'health_check_failed');
  }

  #failStartup(slot: Slot, err: Error): void {
    slot.startup?.reject(err);
    slot.startup = null;
  }

  #onExit(slot: Slot, replica: Replica, exit: ReplicaExit): void {
    slot.stopMemory?.();
    slot.stopMemory = null;
    this.#opts.tracker?.untrackGroup(replica.pid);
    if (slot.replica !== replica || this.#stopping) return;
    const now = Date.now();
    slot.lastExit = { reason: exit.reason, exitCode: exit.exitCode, ts: now };
    const lastLines = replica.lastLines(20);
    if (exit.reason === 'oom_killed') {
      slot.status = 'oom_killed';
      const limitBytes = (this.#opts.service.memoryLimitMb ?? 0) * 1024 * 1024;
      this.#emit(slot, { type: 'replica_oom_killed', rssBytes: slot.oomRssBytes, limitBytes, exitCode: 137, lastLines });
    } else {
      slot.status = 'crashed';
      const { code, signal, exitCode, reason } = exit;
      this.#emit(slot, { type: 'replica_crashed', code, signal, exitCode, reason, lastLines });
    }
    if (slot.startup) {
      const how = exit.reason === 'oom_killed' ? 'was OOM-killed (exit 137)' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      this.#failStartup(slot, new AgentupError(`replica ${slot.id} ${how} during start-up${formatLastLines(lastLines.slice(-10))}`, {
        hint: `run the ${this.name} command by hand with $${this.#opts.service.portEnv}=${slot.port} to see why it stops`,
      }));
      return;
    }
    const { policy } = this.#opts.service.restart;
    if (policy === 'never' || (policy === 'on_failure' && exit.reason === 'exited')) return;
    if (slot.healthySince !== null && now - slot.healthySince >= (this.#opts.backoffResetMs ?? 10_000)) slot.backoff.reset();
    const next = slot.backoff.next();
    if (next.crashLoopEntered) {
      const { crashLoopRestarts, crashLoopWindowMs } = this.#opts.service.restart;
      this.#emit(slot, { type: 'replica_crash_loop', restarts: crashLoopRestarts, windowMs: crashLoopWindowMs });
    }
    slot.status = 'restarting';
    slot.restarts += 1;
    this.#emit(slot, { type: 'replica_restarting', attempt: next.attempt, delayMs: next.delayMs, manual: false });
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!this.#stopping) this.#launch(slot, slot.restarts + 1);
    }, next.delayMs);
  }
}

function formatLastLines(lines: LogLine[]): string {
  if (lines.length === 0) return '';
  return `\nlast output:\n${lines.map((l) => `  ${l.raw}`).join('\n')}`;
}
