import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadIncidentFile, runIncident } from '../../src/incident/index.ts';
import { startSimulation } from '../../src/sim/simulation.ts';
import { REPO_ROOT } from '../support/agentup-cli.ts';

/** What the terminal UI's `i` key does: play an incident on the simulation already on screen. */
describe('an incident played on a running simulation', { timeout: 120_000 }, () => {
  test('runs the timeline on it, records its events, removes its faults and leaves it running', async () => {
    const file = path.join(REPO_ROOT, 'environments/incidents/llm-outage.yaml');
    const { incident } = await loadIncidentFile(file, { timeScale: 0.2 });
    await using sim = await startSimulation(path.join(REPO_ROOT, 'environments/support-agent.yaml'), { faultProxyPort: 0, seed: incident.seed });
    const journal = await runIncident(incident, { simulation: sim });
    expect(journal.outcome).toBe('passed');
    expect(journal.events.some((e) => e.type === 'fault_added')).toBe(true);
    // Still running, and the incident's rollbacks took its faults away.
    expect(sim.replicas().every((r) => r.status === 'healthy')).toBe(true);
    expect(sim.events().filter((e) => e.type === 'fault_added').length).toBe(sim.events().filter((e) => e.type === 'fault_removed').length);
    const res = await fetch(`${sim.endpoints().loadBalancer}/healthz`);
    expect(res.status).toBe(200);
  });
});
