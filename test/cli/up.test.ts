import fs from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { AgentupProcess, waitAllGone } from '../support/agentup-cli.ts';

interface UpJson {
  name: string;
  status: string;
  workDir: string;
  loadBalancer: string;
  faultProxy: { url: string; engine: string };
  dependencies: Array<{ name: string; url: string; proxiedUrl: string }>;
  replicas: Array<{ id: string; url: string; pid: number; status: string }>;
}

const running: AgentupProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    p.kill('SIGKILL');
    await p.exited;
  }
});

async function up(extraEnv: NodeJS.ProcessEnv = {}): Promise<{ agentup: AgentupProcess; info: UpJson }> {
  const agentup = new AgentupProcess(['up', 'environments/support-agent.yaml', '--json', '--fault-proxy-port', '0'], {
    env: { TRIAGE_DB_PASSWORD: 'pw-from-the-shell-42', ...extraEnv },
  });
  running.push(agentup);
  const line = await agentup.waitForLine(/^\{/, 60_000);
  return { agentup, info: JSON.parse(line) as UpJson };
}

async function triage(lb: string, n: number): Promise<{ statuses: number[]; replicas: Set<string> }> {
  const statuses: number[] = [];
  const replicas = new Set<string>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${lb}/triage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: `c${i}`, subject: `Refund ${i}`, body: `I was charged twice for order ${i}` }),
    }).catch(() => null);
    statuses.push(res?.status ?? 0);
    const r = res?.headers.get('x-agentup-replica');
    if (r) replicas.add(r);
    await res?.body?.cancel();
  }
  return { statuses, replicas };
}

describe('agentup up (default environment, real Redis, Postgres and 3 replicas)', { timeout: 120_000 }, () => {
  test('prints one JSON line when healthy, serves traffic on every replica, masks secrets, and stops cleanly on SIGINT', async () => {
    const { agentup, info } = await up();
    expect(info.name).toBe('support-agent');
    expect(info.status).toBe('healthy');
    expect(info.replicas.map((r) => r.id)).toEqual(['triage-1', 'triage-2', 'triage-3']);
    expect(info.replicas.every((r) => r.status === 'healthy' && r.pid > 0)).toBe(true);
    expect(info.dependencies.map((d) => d.name).sort()).toEqual(['postgres', 'redis']);
    expect(info.faultProxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.existsSync(info.workDir)).toBe(true);

    const { statuses, replicas } = await triage(info.loadBalancer, 30);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect([...replicas].sort()).toEqual(['triage-1', 'triage-2', 'triage-3']);

    // The Postgres password came from the shell and is secret: never printed.
    expect(agentup.stdout + agentup.stderr).not.toContain('pw-from-the-shell-42');
    expect(info.dependencies.find((d) => d.name === 'postgres')?.proxiedUrl).toContain(':****@');

    // The budget for agentup itself with the default environment running and serving.
    const rssMb = Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${agentup.pid}/status`, 'utf8'))![1]) / 1024;
    expect(rssMb).toBeLessThan(150);

    const started = agentup.descendants();
    expect(started.length).toBeGreaterThanOrEqual(6); // reaper, redis, postgres (+ backends), 3 replicas
    agentup.kill('SIGINT');
    const exit = await agentup.exited;
    expect(exit.code).toBe(0);
    expect(await waitAllGone(started, 2_000)).toEqual([]);
    expect(fs.existsSync(info.workDir)).toBe(false);
  });

  test('a killed replica is restarted and traffic through the load balancer continues', async () => {
    const { agentup, info } = await up();
    const victim = info.replicas[1]!;
    process.kill(victim.pid, 'SIGKILL');
    // Requests sent while the replica is down go to the others: the load
    // balancer retries a refused connection on another replica.
    const during = await triage(info.loadBalancer, 40);
    expect(during.statuses.filter((s) => s !== 200)).toEqual([]);
    await expect.poll(() => agentup.stderr, { timeout: 15_000 }).toMatch(/triage-2: crashed \(signal SIGKILL\)/);
    await expect.poll(() => agentup.stderr, { timeout: 15_000 }).toMatch(/triage-2: healthy after/);
    const after = await triage(info.loadBalancer, 30);
    expect(after.statuses.every((s) => s === 200)).toBe(true);
    expect(after.replicas.has('triage-2')).toBe(true);
  });

  test('after kill -9 of agentup, nothing of the simulation is left 5 seconds later', async () => {
    const { agentup, info } = await up();
    const started = agentup.descendants();
    expect(started.length).toBeGreaterThanOrEqual(6);
    agentup.kill('SIGKILL');
    await agentup.exited;
    expect(await waitAllGone(started, 5_000)).toEqual([]);
    await expect.poll(() => fs.existsSync(info.workDir), { timeout: 5_000 }).toBe(false);
  });
});
