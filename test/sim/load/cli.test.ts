import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands/index.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';
import { startTargetServer, type TargetServer } from './helpers/target-server.ts';

// The real bin once the command is registered; until then the same main() with `load` added.
const ENTRY = commands.some((c) => c.name === 'load')
  ? [path.join(REPO_ROOT, 'bin/agentup.js')]
  : ['--import', 'tsx', path.join(REPO_ROOT, 'test/sim/load/helpers/agentup-with-load.ts')];

function agentup(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, pid: child.pid! })));
}

async function processesWithEnv(entry: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const environ = await fs.readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(entry)) found.push(Number(pid));
  }
  return found;
}

describe('agentup load', { timeout: 120_000 }, () => {
  let server: TargetServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTargetServer({ recordBodies: true });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentup-load-cli-'));
  });
  afterAll(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('against a URL with --json prints one JSON document with the whole result', async () => {
    const run = await agentup(['load', server.url, '--rate', '100', '--duration', '1s', '--path', '/triage', '--body', '{"q":1}', '--header', 'x-test: yes', '--seed', '5', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ url: `${server.url}/triage`, method: 'POST', sent: 100, ok: 100, failed: 0, dropped: 0, byStatus: { 200: 100 }, seed: 5, requestedRate: 100 });
    expect(Object.keys(doc.latency)).toEqual(['count', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'meanMs']);
    expect(doc.seconds[0]).toMatchObject({ t: 0, sent: 100 });
    expect(doc.histogram).toBeUndefined();
    expect(server.bodies.at(-1)).toBe('{"q":1}');
  });

  it('prints a row per second and a summary table', async () => {
    const run = await agentup(['load', server.url, '--stage', '50:1s', '--stage', 'ramp:150:1s', '--path', '/fail']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+t\s+target\/s\s+sent\s+ok\s+errors\s+dropped\s+p50\s+p99$/);
    expect(lines[1]).toMatch(/^\s+0s\s+50\s+50\s+0\s+\d+\s+0\s/);
    expect(run.stdout).toMatch(/requests\s+150 sent, 0 ok, 150 failed, 0 dropped/);
    expect(run.stdout).toMatch(/status\s+500: 150/);
    expect(run.stdout).toMatch(/latency\s+p50 [\d.]+ms\s+p90 [\d.]+ms\s+p99 [\d.]+ms\s+p99\.9 [\d.]+ms\s+max [\d.]+ms/);
  });

  it('refuses a non-loopback URL and a missing duration with a hint, sending nothing', async () => {
    const remote = await agentup(['load', 'http://93.184.216.34/', '--rate', '10', '--duration', '1s']);
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain("error: load target 'http://93.184.216.34/' is not on this machine (host '93.184.216.34')");
    expect(remote.stderr).toMatch(/^hint: /m);
    const noDuration = await agentup(['load', server.url, '--rate', '10']);
    expect(noDuration.code).toBe(2);
    expect(noDuration.stderr).toContain('error: load needs --rate and --duration (or --stage)');
  });

  it('with an environment file starts it, loads its load balancer and stops everything', async () => {
    const file = path.join(dir, 'hello.yaml');
    const mark = `load-cli-${process.pid}-${Date.now()}`;
    await fs.writeFile(file, ['version: 1', 'name: load-cli', 'services:', '  hello:', '    command: node fixtures/services/hello.js', `    cwd: ${REPO_ROOT}`, '    replicas: 2', `    env: { LOAD_CLI_MARK: ${mark} }`, ''].join('\n'));
    const run = await agentup(['load', file, '--rate', '50', '--duration', '1s', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ sent: 50, ok: 50, byStatus: { 200: 50 } });
    expect(doc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // Every replica (found by the mark in its environment) is gone once agentup exits.
    expect(await processesWithEnv(`LOAD_CLI_MARK=${mark}`)).toEqual([]);
  });
});
