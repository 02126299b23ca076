import type { ToxicityRoll } from '../proxy/types.ts';
import type { Simulation } from '../sim/simulation.ts';

/**
 * The fault proxy's toxicity decisions made during one replay, for the
 * journal. A borrowed simulation may hold decisions from before the incident;
 * those are left out by taking a snapshot first. A proxy that cannot say
 * (unreachable, or a real toxiproxy-server) gives no decisions rather than
 * failing the replay.
 */
const keyOf = (r: ToxicityRoll) => `${r.proxy}\u0000${r.revision}\u0000${r.connection}\u0000${r.stream}`;

export async function toxicitySnapshot(sim: Simulation): Promise<Set<string>> {
  const rolls = await sim.toxicityRolls().catch(() => []);
  return new Set(rolls.map(keyOf));
}

export async function toxicityRollsSince(sim: Simulation, before: Set<string>): Promise<ToxicityRoll[]> {
  const rolls = await sim.toxicityRolls().catch(() => []);
  return rolls.filter((r) => !before.has(keyOf(r)));
}
