import type { LogLine } from '../../services/log-lines.ts';
import type { SimEvent } from '../../sim/events.ts';
import type { LoadSecond } from '../../sim/load/types.ts';
import type { MetricsSecond } from '../../sim/metrics.ts';
import type { Simulation } from '../../sim/simulation.ts';
import type { Flash } from './controller.ts';
import { tuiReducer, type TuiAction } from './reducer.ts';
import { initialState, LOG_LINES, type Part, type TuiState } from './state.ts';

/**
 * Holds the screen's state and folds Simulation emissions into it through the
 * pure reducer, in batches. At 1,000 req/s the replicas log thousands of
 * lines a second; one React update per line would starve the event loop, so
 * updates are coalesced and published at most every `flushMs`.
 */
export class SimSession {
  #state: TuiState;
  #pending: TuiAction[] = [];
  #logs: LogLine[] = [];
  #timer: NodeJS.Timeout | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #detach: Array<() => void> = [];

  constructor(name = '', private readonly flushMs = 250) {
    this.#state = initialState(name);
  }

  #flash: (Flash & { ts: number }) | null = null;

  getState = (): TuiState => this.#state;

  /** The latest message for the status line (not simulation data, so outside the reducer). */
  getFlash = (): (Flash & { ts: number }) | null => this.#flash;

  notify = (flash: Flash): void => {
    this.#flash = { ...flash, ts: Date.now() };
    for (const l of this.#listeners) l();
  };

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  event = (event: SimEvent): void => this.#queue({ type: 'event', event });

  log = (line: LogLine): void => {
    this.#logs.push(line);
    // Only the newest lines can reach the screen; the rest stay in sim.logs().
    if (this.#logs.length > LOG_LINES * 2) this.#logs.splice(0, this.#logs.length - LOG_LINES);
    this.#schedule();
  };

  /** Follows a running simulation: its topology now, then its metrics, load and (unless already fed) events and logs. */
  attach(sim: Simulation, options: { events?: boolean; logs?: boolean } = {}): void {
    const ep = sim.endpoints();
    const parts: Part[] = [
      ...(ep.loadBalancer ? [{ name: 'load_balancer', kind: 'load_balancer' as const, state: 'healthy', restarts: 0 }] : []),
      ...sim.replicas().map((r): Part => ({ name: r.id, kind: 'replica', state: r.status === 'oom_killed' ? 'OOMKilled' : r.status, restarts: r.restarts })),
      ...ep.dependencies.map((d): Part => ({ name: d.name, kind: d.kind, state: 'healthy', restarts: 0 })),
      ...ep.apis.map((a): Part => ({ name: a.name, kind: 'api', state: 'healthy', restarts: 0 })),
      ...ep.upstreams.map((u): Part => ({ name: u.name, kind: 'upstream', state: 'healthy', restarts: 0 })),
      { name: 'fault_proxy', kind: 'fault_proxy', state: 'healthy', restarts: 0 },
    ];
    this.#queue({ type: 'topology', name: sim.name, endpoints: { loadBalancer: ep.loadBalancer, faultProxy: ep.faultProxy.url, control: sim.controlUrl ?? null }, parts });
    const on = <K extends 'event' | 'log' | 'metrics' | 'load'>(name: K, fn: (...args: never[]) => void) => {
      sim.on(name, fn as never);
      this.#detach.push(() => sim.off(name, fn as never));
    };
    if (options.events) on('event', this.event);
    if (options.logs) on('log', this.log);
    on('metrics', (second: MetricsSecond) => {
      this.#queue({ type: 'metrics', second });
      // Per-version charts come from the rollout's own per-second series; the reducer skips seconds it has.
      const rollout = sim.currentRollout?.()?.status();
      if (rollout && rollout.series.length > 0) this.#queue({ type: 'rollout', seconds: rollout.series.slice(-5) });
    });
    on('load', (second: LoadSecond) => this.#queue({ type: 'load', second }));
  }

  /** Applies everything queued now (tests and the last frame before quitting). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const actions = this.#pending;
    this.#pending = [];
    if (this.#logs.length) actions.push({ type: 'logs', lines: this.#logs.splice(0) });
    if (actions.length === 0) return;
    this.#state = tuiReducer(this.#state, { type: 'batch', actions });
    for (const l of this.#listeners) l();
  }

  close(): void {
    for (const d of this.#detach.splice(0)) d();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #queue(action: TuiAction): void {
    this.#pending.push(action);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.flushMs);
    this.#timer.unref();
  }
}
