/**
 * Owns the replicas of one service as child processes: starts them, waits for
 * readiness, probes health, enforces the memory limit, restarts per policy
 * with exponential backoff and reports all of it as events (the shared part
 * is SupervisorCore). The load balancer follows those events
 * (`lb.attach(supervisor)`).
 */
import { BugError } from '../errors.ts';
import { Replica } from './replica.ts';
import { watchMemory } from './oom-watch.ts';
import type { LogLine } from './log-lines.ts';
import { newSlot, SupervisorCore, type SupervisorSlot } from './supervisor-core.ts';
import type { ServiceSupervisorOptions } from './supervisor-options.ts';

export type { ReplicaSnapshot, ReplicaStatus, SupervisorEvent, SupervisorEventMap } from './supervisor-events.ts';
export type { ProcessTracker, ServiceSupervisorOptions, SupervisedService } from './supervisor-options.ts';

interface Slot extends SupervisorSlot<Replica> {
  stopMemory: (() => void) | null;
  oomRssBytes: number;
}

export class ServiceSupervisor extends SupervisorCore<Replica, Slot> {
  #opts: ServiceSupervisorOptions;

  constructor(options: ServiceSupervisorOptions) {
    const svc = options.service;
    if (options.ports.length === 0) throw new BugError(`service ${svc.name} was given no ports`);
    const hc = svc.healthCheck;
    super(
      svc,
      options.ports.map((port, index) => ({ ...newSlot<Replica>(index, `${svc.name}-${index + 1}`, port, svc.restart), stopMemory: null, oomRssBytes: 0 })),
      options,
      {
        oomKilledDuringStartup: 'was OOM-killed (exit 137)',
        startupExitHint: (slot) => `run the ${svc.name} command by hand with $${svc.portEnv}=${slot.port} to see why it stops`,
        notReadyHint: `check that ${svc.name} listens on the port in $${svc.portEnv}${hc ? ` and answers GET ${hc.path} with 2xx or 3xx` : ''}, or give it a longer startup timeout`,
      },
    );
    this.#opts = options;
  }

  /**
   * Spawns every replica. With `waitHealthy` (default) resolves once all are
   * healthy; if one is not ready in time or exits first, stops everything and
   * throws an AgentupError quoting the target, the timeout and its last output.
   */
  async start(options: { waitHealthy?: boolean } = {}): Promise<void> {
    const waitHealthy = options.waitHealthy ?? true;
    const ready = this.slots.map(
      (slot) =>
        new Promise<void>((resolve, reject) => {
          slot.startup = waitHealthy ? { resolve, reject } : null;
          if (!waitHealthy) resolve();
        }),
    );
    try {
      for (const slot of this.slots) this.#launch(slot, 1);
      await Promise.all(ready);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** SIGSTOP: the process keeps its sockets but stops answering, so health checks start failing. */
  pause(index: number): void {
    const slot = this.slot(index);
    if (!this.canPause(slot)) return;
    slot.replica!.pause();
    this.markPaused(slot);
  }

  resume(index: number): void {
    const slot = this.slot(index);
    if (!slot.replica?.paused) return;
    slot.replica.resume();
    this.markResumed(slot);
  }

  /** Graceful stop of one replica, then a fresh start on the same port, without backoff. */
  async restart(index: number): Promise<void> {
    const slot = this.slot(index);
    if (this.stopping) return;
    const old = slot.replica;
    slot.replica = null; // the old incarnation's exit is no longer ours to act on
    this.beginManualRestart(slot);
    if (old) await this.#stopReplica(slot, old);
    if (!this.stopping) this.#launch(slot, slot.restarts + 1);
  }

  /** SIGTERM every replica, SIGKILL after the grace period; resolves when all are gone. */
  stop(): Promise<void> {
    return this.stopSlots(async (slot) => {
      const replica = slot.replica;
      if (replica) await this.#stopReplica(slot, replica);
      return replica?.exitInfo?.exitCode ?? 0;
    });
  }

  async #stopReplica(slot: Slot, replica: Replica): Promise<void> {
    slot.stopMemory?.();
    await replica.stop(this.#opts.stopGraceMs ?? 3000);
    this.#opts.tracker?.untrackGroup(replica.pid);
  }

  #envFor(slot: Slot): Record<string, string> {
    const env = this.#opts.env;
    const base = typeof env === 'function' ? env(slot.index) : env;
    return { ...base, [this.service.portEnv]: String(slot.port) };
  }

  #launch(slot: Slot, attempt: number): void {
    const svc = this.service;
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
      this.failStartup(slot, err as Error);
      return;
    }
    slot.replica = replica;
    this.markStarting(slot);
    slot.rssBytes = 0;
    this.#opts.tracker?.trackGroup(replica.pid);
    this.emitEvent(slot, { type: 'replica_starting', pid: replica.pid, port: slot.port, attempt });
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
    void replica.exited.then((exit) => {
      slot.stopMemory?.();
      slot.stopMemory = null;
      this.#opts.tracker?.untrackGroup(replica.pid);
      if (slot.replica !== replica || this.stopping) return;
      this.handleExit(slot, replica, exit, slot.oomRssBytes, () => this.#launch(slot, slot.restarts + 1));
    });
    void this.probe(slot, replica, () => slot.replica === replica && replica.running && !this.stopping, { ignoreWhilePaused: false });
  }
}
