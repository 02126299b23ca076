import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadIncidentFromText, runIncident } from '../../src/incident/index.ts';

const SERVER = path.resolve(import.meta.dirname, '../sim/rollout/support/versioned-server.mjs');
let dir = '';

// A small versioned service instead of the sample agent, so the replay takes seconds.
const ENVIRONMENT = `
name: rollout-incident
services:
  web:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SERVER)}]
    replicas: 2
    health_check: { path: /healthz, interval: 200ms, timeout: 500ms }
    canary:
      env: { FAIL_RATE: "\${env:CANARY_FAIL_RATE:-0}" }
`;

const incident = (failRate: string, expectOutcome: string) => `
name: rollout-${expectOutcome.replace('_', '-')}
environment: env.yaml
seed: 5
env: { CANARY_FAIL_RATE: "${failRate}" }
steady_state:
  objectives: ["error_rate < 1%"]
timeline:
  - at: 0s
    load: { name: steady, path: /, rate: 80, duration: 7s }
  - at: 500ms
    rollout: { strategy: canary, steps: [5, 50, 100], interval: 2s, analysis: { error_rate: "< 1%", p99: "< 2s" }, expect: ${expectOutcome} }
`;

describe('incident rollout step', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agentup-rollout-incident-'));
    await writeFile(path.join(dir, 'env.yaml'), ENVIRONMENT);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a bad canary is rolled back at its first step; the journal has the step, both versions and the decision', async () => {
    const { incident: loaded } = await loadIncidentFromText(path.join(dir, 'bad.yaml'), incident('0.1', 'rolled_back'));
    expect(loaded.steps[1]!.description).toBe('rollout canary: steps 5, 50, 100%, 2s per step, analysis error_rate < 1%, p99 < 2s; expect rolled_back');
    const journal = await runIncident(loaded);
    expect(journal.objectives.filter((o) => !o.passed)).toEqual([]);
    expect(journal.outcome).toBe('passed');
    const rollout = journal.rollouts![0]!;
    expect(rollout).toMatchObject({ outcome: 'rolled_back', from: 'stable', to: 'canary', weights: { stable: 100, canary: 0 } });
    expect(rollout.steps).toHaveLength(1);
    const analysis = rollout.steps[0]!.analysis!;
    expect(analysis.versions.canary!.failed).toBeGreaterThan(0);
    expect(analysis.versions.stable!.failed).toBe(0);
    expect(analysis.checks.map((c) => [c.metric, c.bound])).toEqual([['error_rate', '< 1%'], ['p99', '< 2s']]);
    expect(journal.objectives.find((o) => o.id === 'rollout 1: rolled_back')).toMatchObject({ passed: true });
    expect(journal.events.filter((e) => e.type.startsWith('rollout_')).map((e) => e.type)).toEqual(['rollout_started', 'rollout_step', 'rollout_analysis', 'rollout_rolled_back']);
    expect(journal.events.find((e) => e.type === 'rollout_analysis')!.text).toMatch(/step 1 analysis FAILED \(error_rate of canary .*\) at 5%: stable \d+ req 0\.0% err p99 \d+ms; canary \d+ req/);
    // The 6.5s the rollout could take is not waited for once it has rolled back: the load (7s) ends the timeline.
    expect(journal.endedAt - journal.startedAt).toBeLessThan(20_000);
  });

  test('a good canary is promoted, and expecting a rollback fails the incident', async () => {
    const { incident: loaded } = await loadIncidentFromText(path.join(dir, 'good.yaml'), incident('0', 'rolled_back'));
    const journal = await runIncident(loaded);
    expect(journal.rollouts![0]!.outcome).toBe('promoted');
    expect(journal.rollouts![0]!.steps.map((s) => s.weight)).toEqual([5, 50, 100]);
    expect(journal.objectives.find((o) => o.id === 'rollout 1: rolled_back')).toMatchObject({ passed: false, detail: 'promoted after 3 steps: every step passed its analysis (5, 50, 100%)' });
    expect(journal.outcome).toBe('failed');
  });
});

describe('incident report: rollouts', () => {
  test('shows each step with both versions and the decision', async () => {
    const { rolloutsHtml } = await import('../../src/incident/report-rollouts.ts');
    const figures = (requests: number, failed: number) => ({ requests, failed, errorRate: failed / requests, p50Ms: 10, p90Ms: 20, p99Ms: 42.4, maxMs: 50 });
    const html = rolloutsHtml({
      rollouts: [{
        service: 'web', strategy: 'canary', from: 'stable', to: 'canary', outcome: 'rolled_back', reason: 'error_rate of canary 10.0% (1 of 10) breaks < 1% (stable: 0.0%)', manual: false,
        startedAt: 0, durationMs: 2100, weights: { stable: 100, canary: 0 },
        steps: [{ index: 1, weight: 5, startMs: 0, endMs: 2000, analysis: { passed: false, reason: 'error_rate of canary 10.0% (1 of 10) breaks < 1% (stable: 0.0%)', checks: [], versions: { stable: figures(190, 0), canary: figures(10, 1) } } }],
      }],
    } as never);
    expect(html).toContain('<h2>Rollouts</h2>');
    expect(html).toContain('<tr><td>1</td><td>5%</td><td>0.0s–2.0s</td><td>190</td><td>0.0%</td><td>42ms</td><td>10</td><td>10.0%</td><td>42ms</td><td class="bad">failed: error_rate of canary 10.0% (1 of 10) breaks &lt; 1% (stable: 0.0%)</td></tr>');
    expect(html).toContain('<strong>rolled back</strong> after 2.1s');
    expect(rolloutsHtml({ rollouts: undefined } as never)).toBe('');
  });
});

describe('incident rollout step without a second version', { timeout: 60_000 }, () => {
  test('fails the incident with the reason instead of skipping the rollout', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'agentup-rollout-plain-'));
    try {
      await writeFile(path.join(tmp, 'env.yaml'), ENVIRONMENT.replace(/\n    canary:\n.*\n$/s, '\n'));
      const text = incident('0', 'promoted').replace('env: { CANARY_FAIL_RATE: "0" }', '').replace('duration: 7s', 'duration: 1s').replace('interval: 2s', 'interval: 500ms');
      const { incident: loaded } = await loadIncidentFromText(path.join(tmp, 'plain.yaml'), text);
      const journal = await runIncident(loaded);
      expect(journal.outcome).toBe('failed');
      expect(journal.objectives.find((o) => o.id === 'rollout 1: ran')).toMatchObject({ passed: false, detail: expect.stringMatching(/^rollout-incident has no second version to roll out \(give the load-balanced service a canary: block/) });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
