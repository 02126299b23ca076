import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { connectSimulation } from '../../../src/sim/remote/connect.ts';
import type { RemoteSimulation } from '../../../src/sim/remote/remote-simulation.ts';
import { AgentupProcess, isAlive, REPO_ROOT, waitAllGone } from '../../support/agentup-cli.ts';

const running: AgentupProcess[] = [];
const attached: RemoteSimulation[] = [];
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-cli-attach-'));
});

afterEach(async () => {
  for (const r of attached.splice(0)) await r.stop();
  for (const p of running.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('attach to a real `agentup up --json`', { timeout: 90_000 }, () => {
  test('the JSON line carries the control URL; a test attached to it acts on the running simulation, which shows it live', async () => {
    const runtimeDir = path.join(dir, 'run');
    fs.mkdirSync(runtimeDir, { mode: 0o700 });
    const file = path.join(dir, 'attach.yaml');
    fs.writeFileSync(file, ['version: 1', 'name: cli-attach', 'services:', '  web:', '    command: node fixtures/services/hello.js', `    cwd: ${REPO_ROOT}`, '    replicas: 2', 'redis: {}', ''].join('\n'));
    const agentup = new AgentupProcess(['up', file, '--json', '--fault-proxy-port', '0'], { env: { XDG_RUNTIME_DIR: runtimeDir } });
    running.push(agentup);
    const info = JSON.parse(await agentup.waitForLine(/^\{/, 60_000)) as { control: { url: string; tokenFile: string } };
    expect(info.control.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(path.dirname(info.control.tokenFile)).toBe(runtimeDir);
    expect(fs.statSync(info.control.tokenFile).mode & 0o777).toBe(0o600);

    const remote = await connectSimulation(info.control.url);
    attached.push(remote);
    expect(remote.name).toBe('cli-attach');
    expect(remote.pid).toBe(agentup.pid);
    const fault = await remote.dependency('redis').latency(200);
    // `agentup up` prints faults as they happen (events go to stderr with --json).
    await expect.poll(() => agentup.stderr, { timeout: 10_000 }).toMatch(/redis: fault latency_downstream added \(latency 200ms\)/);
    await fault.remove();
    await expect.poll(() => agentup.stderr, { timeout: 10_000 }).toMatch(/redis: fault latency_downstream removed/);

    const killed = remote.events().length;
    expect(await remote.replica('web-1').kill()).toBe(true);
    await expect.poll(() => remote.events().slice(killed).map((e) => `${e.type}:${'replica' in e ? e.replica : ''}`), { timeout: 20_000 })
      .toContain('replica_healthy:web-1');
    expect(agentup.stderr).toMatch(/web-1: crashed \(signal SIGKILL\)/);

    // With no URL, the one running simulation is found through its discovery file.
    const found = await connectSimulation(undefined, { runtimeDir });
    attached.push(found);
    expect(found.pid).toBe(agentup.pid);

    await remote.stop();
    expect(isAlive(agentup.pid)).toBe(true);

    // A client still attached sees the stop before its streams end.
    const started = agentup.descendants();
    agentup.kill('SIGTERM');
    expect((await agentup.exited).code).toBe(0);
    await expect.poll(() => found.events().map((e) => e.type), { timeout: 5_000 }).toContain('simulation_stopped');
    expect(await waitAllGone(started, 5_000)).toEqual([]);
    expect(fs.existsSync(info.control.tokenFile)).toBe(false);
    await expect(connectSimulation(info.control.url)).rejects.toThrow(/cannot reach the simulation's control API/);
  });
});

describe('agentup up (table output)', { timeout: 90_000 }, () => {
  test('the endpoint table has a control row with the URL and the token file', async () => {
    const runtimeDir = path.join(dir, 'run-table');
    fs.mkdirSync(runtimeDir, { mode: 0o700 });
    const file = path.join(dir, 'table.yaml');
    fs.writeFileSync(file, ['version: 1', 'name: cli-table', 'services:', '  web:', '    command: node fixtures/services/hello.js', `    cwd: ${REPO_ROOT}`, ''].join('\n'));
    const agentup = new AgentupProcess(['up', file, '--fault-proxy-port', '0'], { env: { XDG_RUNTIME_DIR: runtimeDir } });
    running.push(agentup);
    const row = await agentup.waitForLine(/^\s+control\s/, 60_000);
    const m = /^\s+control\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)\s+attach with connectSimulation\(url\); token also in (\S+)$/.exec(row);
    expect(m, row).not.toBeNull();
    expect(fs.readFileSync(m![2]!, 'utf8').trim()).toBe(new URL(m![1]!).searchParams.get('token'));
    agentup.kill('SIGINT');
    expect((await agentup.exited).code).toBe(0);
    expect(fs.existsSync(m![2]!)).toBe(false);
  });
});
