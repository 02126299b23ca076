import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { processTree } from '../../../src/services/process-group.ts';
import { REPO_ROOT, waitAllGone } from '../../support/agentup-cli.ts';

// The real `agentup sim` in a real terminal (tmux), driven by keys like a person would.
const SESSION = `agentup-tui-e2e-${process.pid}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-tui-e2e-'));
const exitFile = path.join(tmp, 'exit-code');
const CLI = 'bin/agentup.js';

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]): void => void tmux('send-keys', '-t', SESSION, ...k);

async function waitForScreen(pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${pattern} within ${timeoutMs}ms; it shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  try {
    tmux('kill-session', '-t', SESSION);
  } catch {
    // already gone: the command exited and the session with it
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('agentup sim in tmux (default environment, real Redis, Postgres and 3 replicas)', { timeout: 120_000 }, () => {
  test('start, see it healthy, inject a Redis latency from the fault menu, kill a replica and see it restart, quit with nothing left', async () => {
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', '-c', REPO_ROOT,
      // A person's terminal: without the CI variables the test runner may have (with them, sim prints the plain log).
      `env -u CI -u CONTINUOUS_INTEGRATION NO_COLOR=1 node ${CLI} sim environments/support-agent.yaml --fault-proxy-port 0; echo $? > ${exitFile}; sleep 60`);
    const first = await waitForScreen(/3\/3 replicas healthy/, 60_000);
    expect(first).toMatch(/LB http:\/\/127\.0\.0\.1:\d+ {2}fault proxy API http:\/\/127\.0\.0\.1:\d+/);
    expect(first).toMatch(/redis\s+healthy/);
    expect(first).toMatch(/postgres\s+healthy/);
    const panePid = Number(tmux('list-panes', '-t', SESSION, '-F', '#{pane_pid}').trim());
    // The shell, agentup, the reaper, Redis, Postgres and its backends, the replicas.
    const started = processTree(panePid).filter((p) => p !== panePid);
    expect(started.length).toBeGreaterThanOrEqual(7);

    // f, then the 4th target (triage-1..3, redis), the first fault (latency), its defaults.
    keys('f');
    await waitForScreen(/Fault menu: pick a target/, 5_000);
    keys('Down', 'Down', 'Down', 'Enter');
    await waitForScreen(/Fault menu: redis/, 5_000);
    keys('Enter');
    await waitForScreen(/latency on redis/, 5_000);
    keys('Enter');
    const faulted = await waitForScreen(/redis\s+healthy\s+! latency 500ms/, 10_000);
    expect(faulted).toMatch(/! redis: fault latency_downstream added/);
    expect(faulted).toMatch(/1 fault\b/);

    // Kill triage-2 from the menu; the supervisor restarts it and the timeline says so.
    keys('f', 'Down', 'Enter');
    await waitForScreen(/Fault menu: triage-2/, 5_000);
    keys('Enter');
    await waitForScreen(/kill on triage-2/, 5_000);
    keys('Enter');
    await waitForScreen(/triage-2: crashed \(signal SIGKILL\)/, 15_000);
    const restarted = await waitForScreen(/triage-2: healthy after \d+ms/, 20_000);
    expect(restarted).toMatch(/triage-2\s+healthy\s+↻1/);

    keys('q');
    await expect.poll(() => fs.existsSync(exitFile), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
    // Only the tmux shell (sleeping) may remain; every process of the run is gone.
    const shell = processTree(panePid);
    expect(await waitAllGone(started.filter((p) => !shell.includes(p)), 5_000)).toEqual([]);
    expect(screen()).toContain('stopped; nothing left running');
  });
});
