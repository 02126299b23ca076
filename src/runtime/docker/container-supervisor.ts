/**
 * ServiceSupervisor's twin for containers, on the same SupervisorCore: the
 * same SupervisorEvents, health probing (from the host, on the published
 * 127.0.0.1 port), restart policy and backoff, so the load balancer can
 * `attach()` it unchanged. The memory limit is the container's own; OOMKilled
 * comes from Docker. Stopping one replica until it is started again (held)
 * exists only here.
 */
import type Docker from 'dockerode';
import { AgentupError } from '../../errors.ts';
import type { SupervisedService } from '../../services/supervisor-options.ts';
import { newSlot, SupervisorCore, type SupervisorSlot } from '../../services/supervisor-core.ts';
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

interface Slot extends SupervisorSlot<ContainerReplica> {
  /** Bumped per incarnation, so a stale exit or probe is ignored. */
  generation: number;
  /** Stopped by hand (ReplicaControl.stop): no restart until start(). */
  held: boolean;
}

export class ContainerSupervisor extends SupervisorCore<ContainerReplica, Slot> {
  #opts: ContainerSupervisorOptions;
  #prepared: Promise<void> | undefined;

  constructor(options: ContainerSupervisorOptions) {
    const svc = options.service;
    super(
      svc,
      options.replicas.map((r, index) => ({ ...newSlot<ContainerReplica>(index, r.id, r.port, svc.restart), generation: 0, held: false })),
      options,
      {
        oomKilledDuringStartup: 'was OOMKilled (exit 137)',
        startupExitHint: (slot) => `run its image by hand with docker run -e ${svc.portEnv}=${slot.port} to see why it stops`,
        notReadyHint: `check that ${svc.name} listens on 0.0.0.0 at the port in $${svc.portEnv}, or give it a longer startup timeout`,
      },
    );
    this.#opts = options;
  }

  /** Creates every replica's container (in parallel), not started; start() does it when not done yet. */
  prepare(): Promise<void> {
    this.#prepared ??= Promise.all(this.slots.map(async (slot) => {
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
    const ready = this.slots.map((slot) => new Promise<void>((resolve, reject) => (slot.startup = { resolve, reject })));
    // A replica failing before the others are started must not leave their promises unhandled.
    for (const r of ready) r.catch(() => undefined);
    try {
      await this.prepare();
      await Promise.all(this.slots.map((slot) => timed(slot.id, () => this.#launch(slot, 1))));
      await Promise.all(ready);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  containerOf(index: number): Docker.Container | null {
    return this.slot(index).replica?.container ?? null;
  }

  /** docker pause: every process frozen (cgroup freezer); health checks then fail. */
  async pause(index: number): Promise<void> {
    const slot = this.slot(index);
    if (!this.canPause(slot)) return;
    await slot.replica!.pause();
    this.markPaused(slot);
  }

  async resume(index: number): Promise<void> {
    const slot = this.slot(index);
    if (!slot.replica?.paused) return;
    await slot.replica.resume();
    this.markResumed(slot);
  }

  /** docker stop, then start again at once (no backoff). */
  async restart(index: number): Promise<void> {
    const slot = this.slot(index);
    if (this.stopping || !slot.replica) return;
    slot.generation += 1;
    slot.held = false;
    this.beginManualRestart(slot);
    await slot.replica.stop(this.#opts.stopGraceMs ?? 3000);
    if (!this.stopping) await this.#launch(slot, slot.restarts + 1);
  }

  /** docker stop of one replica; it stays stopped (no restart policy) until startReplica(). */
  async stopReplica(index: number): Promise<void> {
    const slot = this.slot(index);
    this.clearTimer(slot);
    slot.generation += 1;
    slot.held = true;
    await slot.replica?.stop(this.#opts.stopGraceMs ?? 3000);
    slot.status = 'stopped';
    this.emitEvent(slot, { type: 'replica_stopped', exitCode: 0 });
  }

  async startReplica(index: number): Promise<void> {
    const slot = this.slot(index);
    if (!slot.held || this.stopping) return;
    slot.held = false;
    await this.#launch(slot, slot.restarts + 1);
  }

  stop(): Promise<void> {
    return this.stopSlots(async (slot) => {
      slot.generation += 1;
      await slot.replica?.stop(this.#opts.stopGraceMs ?? 3000);
      return 0;
    });
  }

  async #launch(slot: Slot, attempt: number): Promise<void> {
    const replica = slot.replica!;
    const generation = ++slot.generation;
    this.markStarting(slot);
    let exited: Promise<ContainerExit>;
    try {
      ({ exited } = await replica.start());
    } catch (err) {
      slot.status = 'crashed';
      this.failStartup(slot, new AgentupError(`replica ${slot.id} could not start: ${(err as Error).message}`, { hint: `check the image of ${this.name} with docker run` }));
      return;
    }
    this.emitEvent(slot, { type: 'replica_starting', pid: replica.pid, port: slot.port, attempt });
    void exited.then((exit) => {
      if (slot.generation !== generation || this.stopping) return;
      // The kernel killed it at the limit: that is the RSS it reached.
      const limitBytes = (this.service.memoryLimitMb ?? 0) * 1024 * 1024;
      this.handleExit(slot, replica, exit, limitBytes, () => {
        if (slot.generation === generation) void this.#launch(slot, slot.restarts + 1);
      });
    });
    void this.probe(slot, replica, () => slot.generation === generation && replica.running && !this.stopping, { ignoreWhilePaused: true });
  }
}
