/**
 * ServiceSupervisor's twin for containers: the same SupervisorEvents, the same
 * health probing (from the host, on the published 127.0.0.1 port), restart
 * policy and backoff, so the load balancer can `attach()` it unchanged. The
 * memory limit is the container's own; OOMKilled comes from Docker.
 */
import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { AgentupError } from '../../errors.ts';
import type { SupervisedService } from '../../services/supervisor-options.ts';
import { RestartBackoff } from '../../services/restart-backoff.ts';
import { runProbeLoop } from '../../services/replica-probe.ts';
import type { LogLine } from '../../services/log-lines.ts';
import type { ReplicaSnapshot, ReplicaStatus, SupervisorEvent, SupervisorEventMap } from '../../services/supervisor-events.ts';
import { ContainerReplica, type ContainerExit } from './container-replica.ts';

export interface ContainerSupervisorOptions {
  service: SupervisedService;
  /** Replica ids and their published (= listening) ports. */
  replicas: Array<{ id: string; port: number }>;
  /** Creates replica `index`'s container (not started). */
  create: (index: number) => Promise<Docker.Container>;
  stopGraceMs?: number;
  readyPollMs?: number;
  backoffResetMs?: number;
}

interface Slot {
  index: number;
  id: string;
  port: number;
  status: ReplicaStatus;
  replica: ContainerReplica | null;
  restarts: number;
  healthySince: number | null;
  lastExit: ReplicaSnapshot['lastExit'];
  backoff: RestartBackoff;
  restartTimer: NodeJS.Timeout | null;
  /** Bumped per incarnation, so a stale exit or probe is ignored. */
  generation: number;
  /** Stopped by hand (ReplicaControl.stop): no restart until start(). */
  held: boolean;
  startup: { resolve: () => void; reject: (err: Error) => void } | null;
}

export class ContainerSupervisor extends EventEmitter<SupervisorEventMap> {
  readonly name: string;
  #opts: ContainerSupervisorOptions;
  #slots: Slot[];
  #stopping = false;
  #prepared: Promise<void> | undefined;

  constructor(options: ContainerSupervisorOptions) {
    super();
    this.#opts = options;
    this.name = options.service.name;
    this.#slots = options.replicas.map((r, index) => ({
      index, id: r.id, port: r.port, status: 'stopped', replica: null, restarts: 0, healthySince: null, lastExit: null,
      backoff: new RestartBackoff(options.service.restart), restartTimer: null, generation: 0, held: false, startup: null,
    }));
  }

  /** Creates every replica's container (in parallel), not started; start() does it when not done yet. */
  prepare(): Promise<void> {
    this.#prepared ??= Promise.all(this.#slots.map(async (slot) => {
      const container = await this.#opts.create(slot.index);
      slot.replica = new ContainerReplica(slot.id, container, (line) => this.emit('log', line));
    })).then(() => undefined);
    return this.#prepared;
  }

  /**
   * Starts every replica (in parallel); resolves once all are healthy, or
   * stops them all and throws. `timed` wraps each container start (phases).
   */
  async start(timed: (replica: string, work: () => Promise<void>) => Promise<void> = (_, work) => work()): Promise<void> {
    const ready = this.#slots.map((slot) => new Promise<void>((resolve, reject) => (slot.startup = { resolve, reject })));
    // A replica failing before the others are started must not leave their promises unhandled.
    for (const r of ready) r.catch(() => undefined);
    try {
      await this.prepare();
      await Promise.all(this.#slots.map((slot) => timed(slot.id, () => this.#launch(slot, 1))));
      await Promise.all(ready);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  replicas(): ReplicaSnapshot[] {
    return this.#slots.map((s) => ({
      id: s.id, index: s.index, port: s.port,
      pid: s.replica?.running ? s.replica.pid : null,
      status: s.status, restarts: s.restarts, rssBytes: 0,
      startedAt: s.replica?.startedAt || null, lastExit: s.lastExit, inCrashLoop: s.backoff.inCrashLoop,
    }));
  }

  containerOf(index: number): Docker.Container | null {
    return this.#slot(index).replica?.container ?? null;
  }

  kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    return this.#slot(index).replica?.kill(signal) ?? false;
  }

  /** docker pause: every process frozen (cgroup freezer); health checks then fail. */
  async pause(index: number): Promise<void> {
    const slot = this.#slot(index);
    if (!slot.replica?.running || slot.replica.paused) return;
    await slot.replica.pause();
    slot.status = 'paused';
    this.#emit(slot, { type: 'replica_paused' });
  }

  async resume(index: number): Promise<void> {
    const slot = this.#slot(index);
    if (!slot.replica?.paused) return;
    await slot.replica.resume();
    if (slot.status === 'paused') slot.status = slot.healthySince !== null ? 'healthy' : 'starting';
    this.#emit(slot, { type: 'replica_resumed' });
  }

  /** docker stop, then start again at once (no backoff). */
  async restart(index: number): Promise<void> {
    const slot = this.#slot(index);
    if (this.#stopping || !slot.replica) return;
    this.#clearTimer(slot);
    slot.generation += 1;
    slot.held = false;
    slot.status = 'restarting';
    slot.restarts += 1;
    this.#emit(slot, { type: 'replica_restarting', attempt: slot.restarts, delayMs: 0, manual: true });
    await slot.replica.stop(this.#opts.stopGraceMs ?? 3000);
    if (!this.#stopping) await this.#launch(slot, slot.restarts + 1);
  }

  /** docker stop of one replica; it stays stopped (no restart policy) until startReplica(). */
  async stopReplica(index: number): Promise<void> {
    const slot = this.#slot(index);
    this.#clearTimer(slot);
    slot.generation += 1;
    slot.held = true;
    await slot.replica?.stop(this.#opts.stopGraceMs ?? 3000);
    slot.status = 'stopped';
    this.#emit(slot, { type: 'replica_stopped', exitCode: 0 });
  }

  async startReplica(index: number): Promise<void> {
    const slot = this.#slot(index);
    if (!slot.held || this.#stopping) return;
    slot.held = false;
    await this.#launch(slot, slot.restarts + 1);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#slots.map(async (slot) => {
      this.#clearTimer(slot);
      slot.generation += 1;
      await slot.replica?.stop(this.#opts.stopGraceMs ?? 3000);
      if (slot.status !== 'stopped') {
        slot.status = 'stopped';
        this.#emit(slot, { type: 'replica_stopped', exitCode: 0 });
      }
    }));
  }

  #clearTimer(slot: Slot): void {
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
  }

  #slot(index: number): Slot {
    const slot = this.#slots[index];
    if (!slot) throw new AgentupError(`service ${this.name} has no replica ${index + 1}`, { hint: `replicas are 1 to ${this.#slots.length}` });
    return slot;
  }

  #emit(slot: Slot, event: Record<string, unknown> & { type: SupervisorEvent['type'] }): void {
    const full = { ts: Date.now(), service: this.name, replica: slot.id, index: slot.index, ...event } as SupervisorEvent;
    const emit = this.emit.bind(this) as (name: string, event: SupervisorEvent) => boolean;
    emit(full.type, full);
    emit('event', full);
  }

  async #launch(slot: Slot, attempt: number): Promise<void> {
    const replica = slot.replica!;
    const generation = ++slot.generation;
    slot.status = 'starting';
    slot.healthySince = null;
    let exited: Promise<ContainerExit>;
    try {
      ({ exited } = await replica.start());
    } catch (err) {
      slot.status = 'crashed';
      slot.startup?.reject(new AgentupError(`replica ${slot.id} could not start: ${(err as Error).message}`, { hint: `check the image of ${this.name} with docker run` }));
      slot.startup = null;
      return;
    }
    this.#emit(slot, { type: 'replica_starting', pid: replica.pid, port: slot.port, attempt });
    void exited.then((exit) => this.#onExit(slot, generation, exit));
    const alive = (): boolean => slot.generation === generation && replica.running && !this.#stopping;
    void runProbeLoop({
      id: slot.id,
      port: slot.port,
      healthCheck: this.#opts.service.healthCheck,
      startedAt: replica.startedAt,
      startupTimeoutMs: this.#opts.service.startupTimeoutMs,
      readyPollMs: this.#opts.readyPollMs ?? 25,
      alive,
      onReady: () => {
        slot.healthySince = Date.now();
        if (slot.status === 'starting') slot.status = 'healthy';
        this.#emit(slot, { type: 'replica_healthy', pid: replica.pid, port: slot.port, startupMs: slot.healthySince - replica.startedAt });
        slot.startup?.resolve();
        slot.startup = null;
      },
      onNotReady: (message) => {
        slot.startup?.reject(new AgentupError(message + formatLastLines(replica.lastLines(10)), {
          hint: `check that ${this.name} listens on 0.0.0.0 at the port in $${this.#opts.service.portEnv}, or give it a longer startup timeout`,
        }));
        slot.startup = null;
        this.#markUnhealthy(slot, replica, message, 0);
      },
      onUnhealthy: (reason, failures) => {
        // A paused container fails its checks on purpose; resume() brings it back.
        if (slot.status === 'paused') return;
        this.#markUnhealthy(slot, replica, reason, failures);
      },
    });
  }

  #markUnhealthy(slot: Slot, replica: ContainerReplica, reason: string, failures: number): void {
    slot.status = 'unhealthy';
    this.#emit(slot, { type: 'replica_unhealthy', reason, failures });
    replica.kill('SIGKILL', 'health_check_failed');
  }

  #onExit(slot: Slot, generation: number, exit: ContainerExit): void {
    if (slot.generation !== generation || this.#stopping) return;
    const replica = slot.replica!;
    const now = Date.now();
    slot.lastExit = { reason: exit.reason, exitCode: exit.exitCode, ts: now };
    const lastLines = replica.lastLines(20);
    if (exit.oomKilled) {
      slot.status = 'oom_killed';
      const limitBytes = (this.#opts.service.memoryLimitMb ?? 0) * 1024 * 1024;
      // The kernel killed it at the limit: that is the RSS it reached.
      this.#emit(slot, { type: 'replica_oom_killed', rssBytes: limitBytes, limitBytes, exitCode: 137, lastLines });
    } else {
      slot.status = 'crashed';
      this.#emit(slot, { type: 'replica_crashed', code: exit.code, signal: exit.signal, exitCode: exit.exitCode, reason: exit.reason, lastLines });
    }
    if (slot.startup) {
      const how = exit.oomKilled ? 'was OOMKilled (exit 137)' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      slot.startup.reject(new AgentupError(`replica ${slot.id} ${how} during start-up${formatLastLines(lastLines.slice(-10))}`, {
        hint: `run its image by hand with docker run -e ${this.#opts.service.portEnv}=${slot.port} to see why it stops`,
      }));
      slot.startup = null;
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
      if (!this.#stopping && slot.generation === generation) void this.#launch(slot, slot.restarts + 1);
    }, next.delayMs);
  }
}

function formatLastLines(lines: LogLine[]): string {
  if (lines.length === 0) return '';
  return `\nlast output:\n${lines.map((l) => `  ${l.raw}`).join('\n')}`;
}
