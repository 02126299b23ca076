// Real Redis and Postgres for the support-triage fixture tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs/promises';
import { startPostgres } from '../../src/services/postgres.ts';
import pg from 'pg';
import { getFreePort } from '../../src/util/ports.ts';

export interface TestRedis {
  port: number;
  url: string;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that accepts nothing and answers nothing (a slow dependency). */
  pause(): void;
  resume(): void;
  /** Starts a fresh redis-server on the same port (after kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`127.0.0.1:${port} not accepting connections after ${timeoutMs}ms`);
    await sleep(25);
  }
}

export async function startRedis(): Promise<TestRedis> {
  const port = await getFreePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('/usr/bin/redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
      stdio: 'ignore',
    });
    await waitForPort(port, 5000);
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (!child) return;
    const c = child;
    child = undefined;
    c.kill('SIGCONT'); // a paused server would not act on SIGTERM
    c.kill(signal);
    await exited(c);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => kill('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    restart: launch,
    stop: () => kill('SIGTERM'),
  };
}

export interface TestPostgres {
  port: number;
  /** The service's database URL (a non-superuser role with a password). */
  url(database?: string): string;
  /** A connected client as the superuser, for assertions and table locks. */
  client(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export const TRIAGE_DB_USER = { name: 'triage', password: `pw-${randomBytes(6).toString('hex')}` };

/** Real Postgres through agentup's own starter (src/services/postgres.ts). */
export async function startTestPostgres(databases: string[]): Promise<TestPostgres> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentup-triage-'));
  try {
    const running = await startPostgres({
      port: await getFreePort(),
      maxConnections: 100,
      databases,
      users: [TRIAGE_DB_USER],
      // No init SQL: the service must create its own table (under its advisory lock).
      initSqlFile: null,
      workDir,
    });
    return {
      port: running.port,
      url: (database = databases[0]) => running.url(database, TRIAGE_DB_USER),
      async client(database = databases[0]) {
        const c = new pg.Client({ connectionString: running.url(database) });
        await c.connect();
        return c;
      },
      async stop() {
        await running.stop();
        await fs.rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fs.rm(workDir, { recursive: true, force: true });
    throw err;
  }
}
