import { describe, expect, it } from 'vitest';
import { withoutTimings } from '../../src/incident/journal.ts';
import { loadIncidentFromText } from '../../src/incident/load-incident.ts';
import { runIncident } from '../../src/incident/run-incident.ts';
import { TINY_FILE, TINY_INCIDENT } from './support/tiny-incident.ts';

/**
 * The same file and seed repeat the same replay: the fault schedule, the
 * toxics' names and settings, the toxicity decisions (the fault proxy rolls
 * each connection's from the seed), the load seeds (arrivals and generated
 * tickets), the objectives. Timings and measured values are left out of the
 * comparison.
 */
async function replay(seed?: number) {
  const { incident } = await loadIncidentFromText(TINY_FILE, TINY_INCIDENT, { seed, env: { PATH: process.env.PATH } });
  return runIncident(incident, { env: { PATH: process.env.PATH } });
}

describe('replay determinism', { timeout: 90_000 }, () => {
  it('gives the same journal minus timings for the same seed, and other load seeds for another', async () => {
    const first = await replay();
    const second = await replay();
    expect(first.incident.seed).toBe(99);
    expect(first.outcome, JSON.stringify(first.objectives)).not.toBe('error');
    expect(withoutTimings(second)).toEqual(withoutTimings(first));
    // The comparison has substance: the schedule, both faults and the phase seed are in it.
    const same = withoutTimings(first);
    expect(same.schedule.map((s) => s.atMs)).toEqual([0, 1000, 1000, 1500]);
    expect(same.faults.map((f) => f.name)).toEqual(['flaky-cache', 'llm-outage']);
    expect(same.faults[0]!.description).toContain('50% of connections');
    expect(same.phases).toEqual([{ name: 'steady', seed: 99 }]);
    // The flaky cache rolled once per Redis connection (one per replica), each the same way both times.
    expect(same.toxicity.length).toBeGreaterThanOrEqual(3);
    expect(same.toxicity.every((r) => r.proxy === 'redis' && r.toxic === 'flaky_cache' && r.stream === 'downstream' && r.toxicity === 0.5)).toBe(true);
    expect(new Set(same.toxicity.map((r) => r.connection)).size).toBe(same.toxicity.length);
    const other = withoutTimings(await replay(7));
    expect(other.phases).toEqual([{ name: 'steady', seed: 7 }]);
    expect(other.schedule).toEqual(same.schedule);
    // Another seed rolls the same connections differently.
    expect(other.toxicity.map((r) => r.connection)).toEqual(same.toxicity.map((r) => r.connection));
    expect(other.toxicity.map((r) => r.applied)).not.toEqual(same.toxicity.map((r) => r.applied));
  });
});
