import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/incident/journal.ts';
import { runCli } from './support/run-cli.ts';
import { INCIDENT_FILES, SHIPPED, timeScaleOf } from './support/shipped-incidents.ts';

/**
 * Every shipped incident, replayed by the real CLI shortened by --time-scale
 * (the same files; see shipped-incidents.ts): exit 0 against the resilient
 * sample service. replay-naive.test.ts runs them against the naive build,
 * where each must fail; the two files run side by side.
 */
describe('agentup run on the shipped incidents', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agentup-run-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ships all seven incidents of issue #7', () => {
    expect(INCIDENT_FILES).toEqual(expect.arrayContaining(SHIPPED));
    expect(SHIPPED).toHaveLength(7);
  });

  it.each(SHIPPED)('%s holds against the resilient service (exit 0, report written)', async (name) => {
    const reportDir = path.join(dir, `resilient-${name}`);
    const r = await runCli([`environments/incidents/${name}.yaml`, '--time-scale', String(timeScaleOf(name)), '--report-dir', reportDir], { TRIAGE_RESILIENCE: 'resilient' });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/PASSED: every objective held/);
    const journal = JSON.parse(readFileSync(path.join(reportDir, 'journal.json'), 'utf8')) as Journal;
    expect(journal.outcome).toBe('passed');
    expect(journal.objectives.length).toBeGreaterThan(2);
    expect(journal.phases.every((p) => p.sent > 0)).toBe(true);
    expect(journal.rollbacks.at(-1)).toMatchObject({ description: 'remove every fault', ok: true });
    const junit = readFileSync(path.join(reportDir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)?.length).toBe(journal.objectives.length);
    expect(junit).toContain('failures="0"');
    expect(existsSync(path.join(reportDir, 'report.html'))).toBe(true);
  });

  it('exits 2 on a bad incident file and on a missing one, before starting anything', async () => {
    const bad = await runCli(['test/incident/invalid/unknown-dependency.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('test/incident/invalid/unknown-dependency.yaml:7:22: timeline.1.fault.target names "rediss"');
    const missing = await runCli(['environments/incidents/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('incident file environments/incidents/nope.yaml does not exist');
    const usage = await runCli(['environments/incidents/llm-outage.yaml', '--time-scale', 'fast']);
    expect(usage.code).toBe(2);
  });
});
