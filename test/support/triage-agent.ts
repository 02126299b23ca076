// Starts the support-triage fixture as a real child process and reads its
// JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../../src/util/ports.ts';

export const TRIAGE_SERVER = fileURLToPath(new URL('../../fixtures/agents/support-triage/server.js', import.meta.url));

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TriageAgent {
  port: number;
  url: string;
  child: ChildProcess;
  /** Raw stdout so far (to look for secrets in everything printed). */
  stdout(): string;
  logs(): LogLine[];
  exited: Promise<AgentExit>;
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  triage(ticket: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  metrics(): Promise<string>;
  /** SIGTERM, then SIGKILL after killAfterMs; resolves with the exit. */
  stop(killAfterMs?: number): Promise<AgentExit>;
}

/** Spawns server.js with exactly `env` (plus PATH), without waiting for it to listen. */
export function spawnAgent(env: Record<string, string>): Omit<TriageAgent, 'port' | 'url' | 'triage' | 'metrics'> {
  const child = spawn(process.execPath, [TRIAGE_SERVER], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<AgentExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const logs = () =>
    out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as LogLine;
        } catch {
          return { level: 'unparsed', msg: l };
        }
      });
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    child,
    stdout: () => out + err,
    logs,
    exited,
    async waitForLog(match, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = logs().find(match);
        if (found) return found;
        if (gone || Date.now() > until) {
          throw new Error(`log line not seen after ${timeoutMs}ms (exited: ${gone}); stdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-2000)}`);
        }
        await sleep(20);
      }
    },
    async stop(killAfterMs = 5000) {
      if (gone) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Spawns the agent on a free port and waits until /healthz answers (the "listening" line may be filtered by LOG_LEVEL). */
export async function startAgent(env: Record<string, string>): Promise<TriageAgent> {
  const port = await getFreePort();
  const agent = spawnAgent({ PORT: String(port), ...env });
  const until = Date.now() + 15_000;
  let exited = false;
  void agent.exited.then(() => (exited = true));
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (exited || Date.now() > until) {
      await agent.stop(1000);
      throw new Error(`support-triage on port ${port} not healthy after 15000ms (exited: ${exited}); output:\n${agent.stdout().slice(-3000)}`);
    }
    await sleep(20);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    ...agent,
    port,
    url,
    async triage(ticket) {
      const res = await fetch(`${url}/triage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ticket),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async metrics() {
      return (await fetch(`${url}/metrics`)).text();
    },
  };
}

/** A metric's value from Prometheus text: metricValue(text, 'x_total{dependency="redis"}'). */
export function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
