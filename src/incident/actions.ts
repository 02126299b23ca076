import type { FaultHandle } from '../sim/dependency-faults.ts';
import type { Simulation } from '../sim/simulation.ts';
import type { Journal } from './journal.ts';
import type { Action, FaultAction } from './types.ts';

/**
 * Applies fault, remove and replica actions to a simulation and remembers
 * what is in effect, so the end of a replay can undo all of it whatever
 * happened in between (rollbacks always run).
 */
export class FaultBook {
  readonly #active = new Map<string, { handle: FaultHandle; record: Journal['faults'][number] }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #paused = new Set<string>();

  constructor(
    private readonly sim: Simulation,
    private readonly faults: Journal['faults'],
    private readonly now: () => number,
  ) {}

  async apply(action: Action): Promise<void> {
    if (action.type === 'fault') return this.#add(action);
    if (action.type === 'remove') return action.name === 'all' ? this.removeAll() : this.remove(action.name);
    if (action.type === 'reset_faults') return this.removeAll();
    if (action.type !== 'replica') return;
    const control = this.sim.replica(action.id);
    if (action.action === 'kill') control.kill((action.signal ?? 'SIGKILL') as NodeJS.Signals);
    else if (action.action === 'restart') await control.restart();
    else if (action.action === 'resume') {
      control.resume();
      this.#paused.delete(action.id);
    } else {
      control.pause();
      this.#paused.add(action.id);
      if (action.durationMs !== undefined) this.#later(action.durationMs, async () => this.apply({ type: 'replica', id: action.id, action: 'resume' }));
    }
  }

  async #add(action: FaultAction): Promise<void> {
    const f = action.fault;
    let handle: FaultHandle;
    if (f.kind === 'toxic') {
      handle = await this.sim.dependency(action.target).toxic({ type: f.type, attributes: f.attributes }, { toxicity: f.toxicity, stream: f.stream, name: action.name.replace(/[^a-zA-Z0-9_]/g, '_') });
    } else if (f.kind === 'down') handle = await this.sim.dependency(action.target).down();
    else if (f.kind === 'outage') handle = await this.sim.api(action.target).outage({ status: f.status });
    else if (f.kind === 'error_rate') handle = await this.sim.api(action.target).errorRate(f.fraction, f.status);
    else handle = await this.sim.api(action.target).rateLimit(f.limit, f.update);
    const record = { name: action.name, target: action.target, description: handle.description, startMs: this.now(), endMs: null as number | null };
    this.faults.push(record);
    this.#active.set(action.name, { handle, record });
    if (action.durationMs !== undefined) this.#later(action.durationMs, () => this.remove(action.name));
  }

  async remove(name: string): Promise<void> {
    const active = this.#active.get(name);
    if (!active) return;
    this.#active.delete(name);
    await active.handle.remove();
    active.record.endMs = this.now();
  }

  async removeAll(): Promise<void> {
    for (const name of [...this.#active.keys()]) await this.remove(name);
  }

  /** Cancels pending timed removals, removes every fault and resumes paused replicas. */
  async undoAll(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.removeAll();
    for (const id of this.#paused) this.sim.replica(id).resume();
    this.#paused.clear();
  }

  #later(ms: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void fn().catch(() => undefined); // undoAll() retries whatever is still in effect
    }, ms);
    this.#timers.add(timer);
  }
}
