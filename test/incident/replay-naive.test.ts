import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/incident/journal.ts';
import { runCli } from './support/run-cli.ts';
import { NAIVE_FAILS, SHIPPED, timeScaleOf } from './support/shipped-incidents.ts';

/**
 * The other half of replay-cli.test.ts: every shipped incident against the
 * naive sample service (no timeouts, retries, fallbacks, error containment
 * or memory guard) must exit 1, and the objective that fails must be the
 * one the incident is about. An incident the naive service passes proves
 * nothing about resilience.
 */
describe('agentup run on the shipped incidents, naive service', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agentup-run-naive-test-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the objective to fail for every shipped incident', () => {
    expect(Object.keys(NAIVE_FAILS).sort()).toEqual(SHIPPED);
  });

  it.each(SHIPPED)('%s fails against the naive service (exit 1, its own objective failed)', async (name) => {
    const reportDir = path.join(dir, `naive-${name}`);
    const r = await runCli([`environments/incidents/${name}.yaml`, '--time-scale', String(timeScaleOf(name)), '--report-dir', reportDir, '--env', 'TRIAGE_RESILIENCE=naive', '--json']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    const journal = JSON.parse(r.stdout) as Journal;
    expect(journal.outcome).toBe('failed');
    const failed = journal.objectives.filter((o) => !o.passed).map((o) => o.id);
    expect(failed, JSON.stringify(journal.objectives, null, 1)).toContain(NAIVE_FAILS[name]);
    expect(r.stderr).toMatch(/FAILED: \d+ of \d+ objectives did not hold/);
    expect(readFileSync(path.join(reportDir, 'junit.xml'), 'utf8')).toContain('<failure ');
  });
});
