import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadIncidentFile, runIncident } from '../../src/incident/index.ts';
import { REPO_ROOT } from '../support/agentup-cli.ts';

/** The two shipped rollout incidents, replayed at the CLI's --quick scale against the sample service. */
describe('shipped rollout incidents', { timeout: 240_000 }, () => {
  test('canary-bad-release: caught at the first step (5%) and rolled back, under 1% of all requests failed', async () => {
    const { incident } = await loadIncidentFile(path.join(REPO_ROOT, 'environments/incidents/canary-bad-release.yaml'), { timeScale: 0.25 });
    const journal = await runIncident(incident);
    expect(journal.objectives.filter((o) => !o.passed)).toEqual([]);
    const rollout = journal.rollouts![0]!;
    expect(rollout.outcome).toBe('rolled_back');
    expect(rollout.steps.map((s) => s.weight)).toEqual([5]);
    expect(rollout.steps[0]!.analysis!.versions.canary!.requests).toBeGreaterThanOrEqual(40);
    const phase = journal.phases[0]!;
    expect(phase.failed / phase.sent).toBeLessThan(0.01);
  });

  test('blue-green-switch: a good release switched under constant load with zero failed requests', async () => {
    const { incident } = await loadIncidentFile(path.join(REPO_ROOT, 'environments/incidents/blue-green-switch.yaml'), { timeScale: 0.25 });
    const journal = await runIncident(incident);
    expect(journal.objectives.filter((o) => !o.passed)).toEqual([]);
    expect(journal.rollouts![0]).toMatchObject({ outcome: 'promoted', from: 'blue', to: 'green', weights: { blue: 0, green: 100 } });
    const phase = journal.phases[0]!;
    expect(phase.sent).toBeGreaterThan(400);
    expect(phase.failed).toBe(0);
    expect(phase.dropped).toBe(0);
  });
});
