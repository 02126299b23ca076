import type { SimEvent, SimEventType } from '../sim/events.ts';
import { describeEvent } from '../sim/events.ts';
import { Simulation } from '../sim/simulation.ts';

export type EventOf<T extends SimEventType> = Extract<SimEvent, { type: T }>;

export function assertSimulation(received: unknown, matcher: string): Simulation {
  if (received instanceof Simulation) return received;
  throw new TypeError(`${matcher} expects a Simulation (the sim fixture), got ${received === null ? 'null' : typeof received}`);
}

/** Restarts of one replica (by id or 1-based index) or, without one, of every replica. */
export function restartFigures(sim: Simulation, replica?: string | number): { restarts: number; text: string } {
  const all = sim.replicas();
  const id = typeof replica === 'number' ? `${Object.keys(sim.environment.services)[0]}-${replica}` : replica;
  const chosen = id === undefined ? all : all.filter((r) => r.id === id);
  if (id !== undefined && chosen.length === 0) {
    throw new TypeError(`no replica ${JSON.stringify(id)} in ${sim.name}; replicas: ${all.map((r) => r.id).join(', ')}`);
  }
  const restarts = chosen.reduce((n, r) => n + r.restarts, 0);
  const text = chosen.map((r) => `${r.id} ${r.status} with ${r.restarts} restart${r.restarts === 1 ? '' : 's'}`).join(', ');
  return { restarts, text };
}

/** The last few events, one line each, for failure messages. */
export function recentEvents(sim: Simulation, count = 8): string {
  const events = sim.events().slice(-count);
  return events.map((e) => `  ${new Date(e.ts).toISOString().slice(11, 23)} ${describeEvent(e)}`).join('\n');
}

/** A predicate, or some fields the event must have (compared with ===): `{ replica: 'triage-2' }`. */
export type EventFilter<T extends SimEventType> = ((e: EventOf<T>) => boolean) | Partial<EventOf<T>>;

export function findEvents<T extends SimEventType>(sim: Simulation, type: T, filter?: EventFilter<T>): EventOf<T>[] {
  const test = (e: EventOf<T>): boolean => {
    if (filter === undefined) return true;
    if (typeof filter === 'function') return filter(e);
    return Object.entries(filter).every(([k, v]) => (e as Record<string, unknown>)[k] === v);
  };
  return sim.events().filter((e): e is EventOf<T> => e.type === type && test(e as EventOf<T>));
}

export function describeFilter(filter: unknown): string {
  if (filter === undefined) return '';
  return typeof filter === 'function' ? ' matching the predicate' : ` with ${JSON.stringify(filter)}`;
}
