import { fileURLToPath } from 'node:url';
import { isAgentupError } from '../../errors.ts';
import type { FaultHandle } from '../../sim/dependency-faults.ts';
import type { LoadHandle } from '../../sim/load/types.ts';
import type { Simulation } from '../../sim/simulation.ts';
import { applyFault, pauseHandle } from './apply-fault.ts';
import type { FaultTarget } from './fault-catalog.ts';
import { faultTargets } from './selectors.ts';
import type { UiCommand } from './ui.ts';

export interface Flash {
  text: string;
  level: 'info' | 'error';
}

const TICKET_BODY = fileURLToPath(new URL('./ticket-body.ts', import.meta.url));
/** Load from the UI runs until stopped; the generator caps any run at one hour. */
const UI_LOAD_DURATION = '1h';
const MAX_UI_RATE = 5000;

/** What the screen needs from a controller. */
export interface TuiControl {
  targets(): FaultTarget[];
  rateLimitName(api: string): string;
  run(command: UiCommand): Promise<void>;
  readonly lastLoad: { path: string; rate: number; method: string };
}

/**
 * Carries out what the keyboard asks, through the Simulation only. Keeps the
 * FaultHandles it was given so any fault can be removed, and the one load.
 */
export class SimController implements TuiControl {
  readonly #handles = new Map<string, FaultHandle>();
  #load: { handle: LoadHandle; path: string; method: string; rate: number } | null = null;
  lastLoad = { path: '/triage', rate: 50, method: 'POST' };

  constructor(
    private readonly sim: Simulation,
    private readonly notify: (flash: Flash) => void,
    /** `runIncident` plays an incident file on this simulation (the `i` key). */
    private readonly hooks: { runIncident?: (file: string) => Promise<void> } = {},
  ) {}

  targets(): FaultTarget[] {
    return faultTargets(this.sim.endpoints());
  }

  /** A limit the API refused with, else a route it served: the rate-limit form's default. */
  rateLimitName(api: string): string {
    const c = this.sim.api(api).counters();
    return Object.keys(c.rateLimitedBy)[0] ?? Object.keys(c.routes)[0] ?? '';
  }

  /** Runs a command; failures become a flash message, never a crash of the UI. */
  async run(command: UiCommand): Promise<void> {
    try {
      await this.#run(command);
    } catch (err) {
      const text = isAgentupError(err) ? `${err.message}${err.hint ? ` (${err.hint})` : ''}` : (err as Error).message;
      this.notify({ text: this.sim.redact(text), level: 'error' });
    }
  }

  async #run(c: UiCommand): Promise<void> {
    switch (c.type) {
      case 'quit': case 'set_filter':
        return; // the screen itself handles these
      case 'apply_fault': {
        const handle = await applyFault(this.sim, c.target, c.spec, c.values);
        if (handle) this.#handles.set(`${handle.target}/${handle.name}`, handle);
        this.notify({ text: `${c.target.name}: ${handle?.description ?? c.spec.kind}`, level: 'info' });
        return;
      }
      case 'remove_fault':
        return this.#remove(c.key);
      case 'reset_faults':
        await this.sim.resetFaults();
        for (const p of this.sim.replicas()) if (p.status === 'paused') this.sim.replica(p.id).resume();
        this.#handles.clear();
        this.notify({ text: 'every fault removed', level: 'info' });
        return;
      case 'start_load':
        return this.#startLoad(c.path, c.rate, c.method);
      case 'change_rate':
        if (!this.#load) throw new Error('no load is running; press l to start some');
        return this.#startLoad(this.#load.path, Math.max(1, Math.round(this.#load.rate * c.factor)), this.#load.method);
      case 'stop_load':
        if (!this.#load) throw new Error('no load is running');
        this.#load.handle.stop();
        this.#load = null;
        return;
      case 'start_rollout':
        return this.#startRollout(c);
      case 'abort_rollout':
      case 'promote_rollout': {
        const rollout = this.sim.currentRollout();
        if (!rollout || rollout.status().result) throw new Error('no rollout is running; press o to start one');
        if (c.type === 'abort_rollout') rollout.abort('aborted from the terminal UI');
        else rollout.promote();
        return;
      }
      case 'run_incident':
        if (!this.hooks.runIncident) throw new Error(`cannot run ${c.file}: this screen was started without incident support`);
        await this.hooks.runIncident(c.file);
        return;
    }
  }

  async #remove(key: string): Promise<void> {
    const handle = this.#handles.get(key);
    const [target, name] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
    if (handle) {
      await handle.remove();
      this.#handles.delete(key);
    } else if (name === 'pause') {
      await pauseHandle(this.sim, target).remove();
    } else if (name === 'down') {
      await this.sim.dependency(target).up();
    } else {
      throw new Error(`${key} was not added from this screen, so it has no handle here; press R to reset every fault`);
    }
    this.notify({ text: `${target}: ${name} removed`, level: 'info' });
  }

  #startLoad(path: string, rate: number, method: string): void {
    if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_UI_RATE) throw new Error(`load rate must be from 1 to ${MAX_UI_RATE} req/s, got ${rate}`);
    this.lastLoad = { path, rate, method };
    if (this.#load && this.#load.path === path && this.#load.method === method) {
      this.#load.handle.setRate(rate);
      this.#load.rate = rate;
      this.notify({ text: `load: now ${rate} req/s`, level: 'info' });
      return;
    }
    this.#load?.handle.stop();
    const body = method === 'POST' ? { bodyModule: TICKET_BODY } : {};
    const handle = this.sim.startLoad({ path, rate, method, duration: UI_LOAD_DURATION, ...body });
    // The load's outcome arrives as a load_finished event; a failure to start is a message.
    handle.done
      .catch((err: Error) => this.notify({ text: `load failed: ${err.message}`, level: 'error' }))
      .finally(() => {
        if (this.#load?.handle === handle) this.#load = null;
      });
    this.#load = { handle, path, method, rate };
  }

  #startRollout(c: Extract<UiCommand, { type: 'start_rollout' }>): void {
    const steps = c.steps.split(/[\s,]+/).filter(Boolean).map(Number);
    const analysis = { ...(c.errorRate.trim() ? { error_rate: c.errorRate } : {}), ...(c.p99.trim() ? { p99: c.p99 } : {}) };
    const interval = /^\d+(\.\d+)?$/.test(c.interval.trim()) ? Number(c.interval) : c.interval.trim();
    const handle = this.sim.rollout({ strategy: c.strategy as 'canary' | 'blue_green', steps, interval, analysis });
    this.notify({ text: `rollout: ${c.strategy} from ${handle.from} to ${handle.to} started (a aborts, P promotes)`, level: 'info' });
    handle.done.then(
      (r) => this.notify({ text: `rollout ${r.outcome === 'promoted' ? `promoted ${r.to}` : `rolled back to ${r.from}`}: ${r.reason}`, level: r.outcome === 'promoted' ? 'info' : 'error' }),
      (err: Error) => this.notify({ text: `rollout failed: ${err.message}`, level: 'error' }),
    );
  }

  /** Stops the load this screen started (the simulation stops it too; this is for quitting). */
  stopLoad(): void {
    this.#load?.handle.stop();
    this.#load = null;
  }
}
