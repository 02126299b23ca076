/**
 * The supervisor logic that ServiceSupervisor (child processes) and
 * ContainerSupervisor (Docker containers) share: replica slots and their
 * snapshots, the SupervisorEvents, health probing, and the decision after an
 * exit (crash or OOM event, start-up failure, restart policy, backoff, crash
 * loop). A subclass only says how an incarnation is started, signalled,
 * paused and stopped, so the load balancer sees the same events from either.
 */
import { EventEmitter } from 'node:events';
import type { RestartPolicy } from '../config/types.ts';
import { AgentupError } from '../errors.ts';
import type { LogLine } from './log-lines.ts';
import { runProbeLoop } from './replica-probe.ts';
import type { ExitReason, ReplicaExit } from './replica.ts';
import { RestartBackoff } from './restart-backoff.ts';
import type { ReplicaSnapshot, ReplicaStatus, SupervisorEvent, SupervisorEventMap } from './supervisor-events.ts';
import type { SupervisedService } from './supervisor-options.ts';

/** What the core reads from one incarnation of a replica, process or container. */
export interface SupervisedReplica {
  readonly pid: number;
  /** Epoch ms; 0 before the first start. */
  readonly startedAt: number;
  readonly running: boolean;
  readonly paused: boolean;
  kill(signal?: NodeJS.Signals, reason?: ExitReason): boolean;
  lastLines(n: number): LogLine[];
}

export interface SupervisorSlot<R extends SupervisedReplica> {
  index: number;
  id: string;
  port: number;
  status: ReplicaStatus;
  replica: R | null;
  restarts: number;
  /** Last sampled RSS; stays 0 where the driver does not sample it. */
  rssBytes: number;
  healthySince: number | null;
  lastExit: ReplicaSnapshot['lastExit'];
  backoff: RestartBackoff;
  restartTimer: NodeJS.Timeout | null;
  /** Settles the first readiness of start(); null once settled. */
  startup: { resolve: () => void; reject: (err: Error) => void } | null;
}

export function newSlot<R extends SupervisedReplica>(index: number, id: string, port: number, restart: RestartPolicy): SupervisorSlot<R> {
  return {
    index, id, port, status: 'stopped', replica: null, restarts: 0, rssBytes: 0, healthySince: null, lastExit: null,
    backoff: new RestartBackoff(restart), restartTimer: null, startup: null,
  };
}

/** How the driver words its failures (a process and a container are debugged differently). */
export interface SupervisorWording {
  /** How an OOM kill during start-up reads: `was OOM-killed (exit 137)`. */
  oomKilledDuringStartup: string;
  /** What to try when a replica exits during start-up. */
  startupExitHint: (slot: { id: string; port: number }) => string;
  /** What to try when a replica is not ready in time. */
  notReadyHint: string;
}

export interface SupervisorTuning {
  readyPollMs?: number;
  backoffResetMs?: number;
}

export abstract class SupervisorCore<R extends SupervisedReplica, S extends SupervisorSlot<R>> extends EventEmitter<SupervisorEventMap> {
  readonly name: string;
  protected readonly service: SupervisedService;
  protected readonly slots: S[];
  protected stopping = false;
  readonly #tuning: SupervisorTuning;
  readonly #wording: SupervisorWording;

  protected constructor(service: SupervisedService, slots: S[], tuning: SupervisorTuning, wording: SupervisorWording) {
    super();
    this.name = service.name;
    this.service = service;
    this.slots = slots;
    this.#tuning = tuning;
    this.#wording = wording;
  }

  replicas(): ReplicaSnapshot[] {
    return this.slots.map((s) => ({
      id: s.id,
      index: s.index,
      port: s.port,
      pid: s.replica?.running ? s.replica.pid : null,
      status: s.status,
      restarts: s.restarts,
      rssBytes: s.rssBytes,
      startedAt: s.replica?.startedAt || null,
      lastExit: s.lastExit,
      inCrashLoop: s.backoff.inCrashLoop,
    }));
  }

  /** Sends a signal to replica `index` (fault injection); false when nothing was signalled. */
  kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.slot(index).replica?.kill(signal) ?? false;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  abstract stop(): Promise<void>;

  protected slot(index: number): S {
    const slot = this.slots[index];
    if (!slot) throw new AgentupError(`service ${this.name} has no replica ${index + 1}`, { hint: `replicas are 1 to ${this.slots.length}` });
    return slot;
  }

  protected emitEvent(slot: S, event: Record<string, unknown> & { type: SupervisorEvent['type'] }): void {
    const full = { ts: Date.now(), service: this.name, replica: slot.id, index: slot.index, ...event } as SupervisorEvent;
    // The typed map cannot follow `full.type` to its member; the union is built to match.
    const emit = this.emit.bind(this) as (name: string, event: SupervisorEvent) => boolean;
    emit(full.type, full);
    emit('event', full);
  }

  protected clearTimer(slot: S): void {
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
  }

  protected canPause(slot: S): boolean {
    return slot.replica !== null && slot.replica.running && !slot.replica.paused;
  }

  /** After the driver paused it. */
  protected markPaused(slot: S): void {
    slot.status = 'paused';
    this.emitEvent(slot, { type: 'replica_paused' });
  }

  /** After the driver resumed it. */
  protected markResumed(slot: S): void {
    if (slot.status === 'paused') slot.status = slot.healthySince !== null ? 'healthy' : 'starting';
    this.emitEvent(slot, { type: 'replica_resumed' });
  }

  /** Restart by hand: no backoff; the caller stops the old incarnation and launches the next. */
  protected beginManualRestart(slot: S): void {
    this.clearTimer(slot);
    slot.status = 'restarting';
    slot.restarts += 1;
    this.emitEvent(slot, { type: 'replica_restarting', attempt: slot.restarts, delayMs: 0, manual: true });
  }

  /** Stops every slot with `stopOne` (which returns the exit code to report) and marks it stopped. */
  protected async stopSlots(stopOne: (slot: S) => Promise<number>): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map(async (slot) => {
      this.clearTimer(slot);
      const exitCode = await stopOne(slot);
      if (slot.status !== 'stopped') {
        slot.status = 'stopped';
        this.emitEvent(slot, { type: 'replica_stopped', exitCode });
      }
    }));
  }

  /** A new incarnation is spawned and not ready yet. */
  protected markStarting(slot: S): void {
    slot.status = 'starting';
    slot.healthySince = null;
  }

  /** Readiness, then liveness, of one incarnation; `alive` is false once it is gone or replaced. */
  protected probe(slot: S, replica: R, alive: () => boolean, options: { ignoreWhilePaused: boolean }): Promise<void> {
    return runProbeLoop({
      id: slot.id,
      port: slot.port,
      healthCheck: this.service.healthCheck,
      startedAt: replica.startedAt,
      startupTimeoutMs: this.service.startupTimeoutMs,
      readyPollMs: this.#tuning.readyPollMs ?? 25,
      alive,
      onReady: () => {
        slot.healthySince = Date.now();
        if (slot.status === 'starting') slot.status = 'healthy';
        this.emitEvent(slot, { type: 'replica_healthy', pid: replica.pid, port: slot.port, startupMs: slot.healthySince - replica.startedAt });
        slot.startup?.resolve();
        slot.startup = null;
      },
      onNotReady: (message) => {
        this.failStartup(slot, new AgentupError(message + formatLastLines(replica.lastLines(10)), { hint: this.#wording.notReadyHint }));
        this.#markUnhealthy(slot, replica, message, 0);
      },
      onUnhealthy: (reason, failures) => {
        // A paused container fails its checks on purpose; resume() brings it back.
        if (options.ignoreWhilePaused && slot.status === 'paused') return;
        this.#markUnhealthy(slot, replica, reason, failures);
      },
    });
  }

  /** Out of rotation, then killed like a failed liveness probe; the exit handler restarts it. */
  #markUnhealthy(slot: S, replica: R, reason: string, failures: number): void {
    slot.status = 'unhealthy';
    this.emitEvent(slot, { type: 'replica_unhealthy', reason, failures });
    replica.kill('SIGKILL', 'health_check_failed');
  }

  protected failStartup(slot: S, err: Error): void {
    slot.startup?.reject(err);
    slot.startup = null;
  }

  /**
   * The current incarnation of `slot` ended (the caller checked it is current
   * and that we are not stopping): report it, fail start-up if it was starting,
   * else restart per policy with backoff through `relaunch`.
   */
  protected handleExit(slot: S, replica: R, exit: ReplicaExit, oomRssBytes: number, relaunch: () => void): void {
    const now = Date.now();
    slot.lastExit = { reason: exit.reason, exitCode: exit.exitCode, ts: now };
    const lastLines = replica.lastLines(20);
    if (exit.reason === 'oom_killed') {
      slot.status = 'oom_killed';
      const limitBytes = (this.service.memoryLimitMb ?? 0) * 1024 * 1024;
      this.emitEvent(slot, { type: 'replica_oom_killed', rssBytes: oomRssBytes, limitBytes, exitCode: 137, lastLines });
    } else {
      slot.status = 'crashed';
      const { code, signal, exitCode, reason } = exit;
      this.emitEvent(slot, { type: 'replica_crashed', code, signal, exitCode, reason, lastLines });
    }
    if (slot.startup) {
      const how = exit.reason === 'oom_killed' ? this.#wording.oomKilledDuringStartup : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      this.failStartup(slot, new AgentupError(`replica ${slot.id} ${how} during start-up${formatLastLines(lastLines.slice(-10))}`, {
        hint: this.#wording.startupExitHint(slot),
      }));
      return;
    }
    const { policy } = this.service.restart;
    if (policy === 'never' || (policy === 'on_failure' && exit.reason === 'exited')) return;
    if (slot.healthySince !== null && now - slot.healthySince >= (this.#tuning.backoffResetMs ?? 10_000)) slot.backoff.reset();
    const next = slot.backoff.next();
    if (next.crashLoopEntered) {
      const { crashLoopRestarts, crashLoopWindowMs } = this.service.restart;
      this.emitEvent(slot, { type: 'replica_crash_loop', restarts: crashLoopRestarts, windowMs: crashLoopWindowMs });
    }
    slot.status = 'restarting';
    slot.restarts += 1;
    this.emitEvent(slot, { type: 'replica_restarting', attempt: next.attempt, delayMs: next.delayMs, manual: false });
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!this.stopping) relaunch();
    }, next.delayMs);
  }
}

/** The tail of a replica's output, appended to a start-up error. */
export function formatLastLines(lines: LogLine[]): string {
  if (lines.length === 0) return '';
  return `\nlast output:\n${lines.map((l) => `  ${l.raw}`).join('\n')}`;
}
