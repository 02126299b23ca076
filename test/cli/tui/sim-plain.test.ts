import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { processTree } from '../../../src/services/process-group.ts';
import { REPO_ROOT, waitAllGone } from '../../support/agentup-cli.ts';

const children: Array<{ kill: () => void; exited: Promise<unknown> }> = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill();
    await c.exited;
  }
});

/** `agentup sim` with stdout a pipe, as in CI. */
function simPiped() {
  const child = spawn(process.execPath, ['bin/agentup.js', 'sim', 'environments/support-agent.yaml', '--fault-proxy-port', '0'], {
    cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<{ code: number | null }>((resolve) => child.once('exit', (code) => resolve({ code })));
  children.push({ kill: () => child.kill('SIGKILL'), exited });
  return { child, exited, out: () => stdout };
}

describe('agentup sim without a terminal', { timeout: 90_000 }, () => {
  test('says so on its first line, prints one line per event, and SIGTERM stops everything', async () => {
    const sim = simPiped();
    await expect.poll(sim.out, { timeout: 60_000, interval: 100 }).toMatch(/all healthy in \d+ms/);
    const lines = sim.out().split('\n');
    expect(lines[0]).toMatch(/^agentup sim: stdout is not a terminal, so this is a plain event log instead of the interactive screen/);
    expect(sim.out()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] starting support-agent/m);
    expect(sim.out()).toMatch(/^\[[\d:.]+\] triage-2: healthy after \d+ms$/m);
    await expect.poll(sim.out, { timeout: 5_000 }).toMatch(/^load balancer http:\/\/127\.0\.0\.1:\d+ {2}fault proxy API http:\/\/127\.0\.0\.1:\d+ {2}replicas triage-1, triage-2, triage-3$/m);
    // No escape codes: a log file stays readable.
    expect(sim.out()).not.toMatch(/\x1b\[/);
    const started = processTree(sim.child.pid!).filter((p) => p !== sim.child.pid);
    expect(started.length).toBeGreaterThanOrEqual(6);
    sim.child.kill('SIGTERM');
    expect((await sim.exited).code).toBe(0);
    expect(sim.out()).toMatch(/stopping \(received SIGTERM\)[\s\S]*stopped; nothing left running\n$/);
    expect(await waitAllGone(started, 5_000)).toEqual([]);
  });
});
