import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentupError } from '../../src/errors.ts';
import { startPostgres, type RunningPostgres, type StartPostgresOptions } from '../../src/services/postgres.ts';
import { ensurePostgresTemplate } from '../../src/services/postgres-template.ts';
import { postgresRunAs } from '../../src/services/postgres-user.ts';
import type { ServerExit } from '../../src/services/server-process.ts';
import { getFreePort, isPortFree } from '../../src/util/ports.ts';
import { makeTempDir, ramTempBase, type TempDir } from '../../src/util/tempdir.ts';
import { groupAlive, pidAlive, processesMentioning } from './server-helpers.ts';

const app = { name: 'app', password: 's3cret' };
const reporter = { name: 'reporter', password: 'r3p0rt' };

async function rejection(promise: Promise<unknown>): Promise<AgentupError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AgentupError);
  return err as AgentupError;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('startPostgres', { timeout: 60_000 }, () => {
  let tmp: TempDir;
  let db: RunningPostgres;
  let initSqlFile: string;
  const others: RunningPostgres[] = [];
  const options = (extra: Partial<StartPostgresOptions>): StartPostgresOptions => ({
    port: 0, maxConnections: 5, databases: ['shop'], users: [], workDir: tmp.path, ...extra,
  });

  beforeAll(async () => {
    // RAM-backed when available, as recommended for run dirs (see ramTempBase).
    tmp = await makeTempDir('agentup-pg-test-', ramTempBase());
    // Warm the machine cache first, so the start below measures the warm path.
    await ensurePostgresTemplate(await postgresRunAs());
    initSqlFile = path.join(tmp.path, 'init.sql');
    fs.writeFileSync(initSqlFile, "CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL);\nINSERT INTO orders (item) VALUES ('book');\n");
    const started = performance.now();
    db = await startPostgres(options({
      port: await getFreePort(), databases: ['shop', 'analytics'], users: [app, reporter], initSqlFile,
    }));
    const warmMs = performance.now() - started;
    console.log(`postgres warm start: ${Math.round(warmMs)}ms`, db.timings);
    // Generous sanity bound on a busy 2-core machine; typical is 0.3-0.8 s.
    expect(warmMs).toBeLessThan(3000);
  });
  afterAll(async () => {
    await db?.stop();
    for (const other of others) await other.stop();
    await tmp?.remove();
  });

  it('creates the databases and roles, runs init_sql, and gives the roles everything', async () => {
    expect(db.url()).toBe(`postgresql://postgres:postgres@127.0.0.1:${db.port}/shop`);
    await withClient(db.url('shop', app), async (c) => {
      expect((await c.query('SELECT item FROM orders')).rows).toEqual([{ item: 'book' }]);
      await c.query("INSERT INTO orders (item) VALUES ('pen')");
      const owner = await c.query("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'shop'");
      expect(owner.rows).toEqual([{ owner: 'app' }]);
      // init_sql ran as the app's role, so the app owns its tables and may alter them.
      expect((await c.query("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).rows).toEqual([{ tableowner: 'app' }]);
      await c.query('CREATE INDEX orders_item ON orders (item)');
      expect((await c.query('SHOW max_connections')).rows).toEqual([{ max_connections: '5' }]);
      expect((await c.query('SHOW listen_addresses')).rows).toEqual([{ listen_addresses: '127.0.0.1' }]);
      expect((await c.query('SHOW fsync')).rows).toEqual([{ fsync: 'off' }]);
    });
    await withClient(db.url('shop', reporter), async (c) => {
      expect((await c.query('SELECT count(*)::int AS n FROM orders')).rows).toEqual([{ n: 2 }]);
      await c.query('CREATE TABLE reports (id int)');
    });
    // Default privileges: what the app creates later is the reporter's too.
    await withClient(db.url('shop', app), async (c) => c.query('CREATE TABLE later (id int)'));
    await withClient(db.url('shop', reporter), async (c) => c.query('SELECT * FROM later'));
    await withClient(db.url('analytics', reporter), async (c) => {
      await c.query('CREATE TABLE events (id int)');
    });
  });

  it('checks passwords for real', async () => {
    const err = await withClient(db.url('shop', { name: 'app', password: 'wrong' }), async () => null).catch((e: Error) => e);
    expect((err as Error).message).toBe('password authentication failed for user "app"');
  });

  it('max_connections really limits: the 6th of 5 gets the real Postgres error', async () => {
    const clients: pg.Client[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const c = new pg.Client(db.url('shop', app));
        clients.push(c);
        await c.connect();
      }
      const extra = new pg.Client(db.url('shop', app));
      const err = await extra.connect().then(() => null, (e: Error) => e);
      await extra.end().catch(() => undefined);
      expect(err?.message).toBe('sorry, too many clients already');
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  });

  it('runs as the postgres user when agentup is root, with data owned by it', async () => {
    const runAs = await postgresRunAs();
    const stat = fs.statSync(path.join(db.dir, 'data', 'PG_VERSION'));
    expect(stat.uid).toBe(runAs?.uid ?? process.getuid!());
    expect(fs.readFileSync(`/proc/${db.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${stat.uid}\\s`, 'm'));
  });

  it('quotes the file, line and Postgres message of a bad init_sql, and leaves nothing behind', async () => {
    const bad = path.join(tmp.path, 'bad.sql');
    fs.writeFileSync(bad, 'CREATE TABLE a (id int);\nSELECT id FROM missing_table;\n');
    const port = await getFreePort();
    const err = await rejection(startPostgres(options({ port, initSqlFile: bad })));
    expect(err.message).toBe([
      `${bad}:2:16: init_sql failed: relation "missing_table" does not exist`,
      '  2 | SELECT id FROM missing_table;',
      '    |                ^~~~~~~~~~~~~~',
    ].join('\n'));
    expect(err.hint).toBe('fix the SQL; it runs against database "shop" as the superuser "postgres"');
    expect(fs.existsSync(path.join(tmp.path, `postgres-${port}`))).toBe(false);
    expect(processesMentioning(`postgres-${port}`)).toEqual([]);
    expect(await isPortFree(port)).toBe(true);
  });

  it('kills Postgres when start-up is aborted (Ctrl-C) and rejects with the reason', async () => {
    const port = await getFreePort();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    // The first log line proves the postmaster is running: abort mid-start-up.
    const err = await startPostgres(options({ port, signal: controller.signal, onLog: () => controller.abort(reason) }))
      .then(() => null, (e: unknown) => e);
    expect(err).toBe(reason);
    expect(processesMentioning(`postgres-${port}`)).toEqual([]);
    expect(fs.existsSync(path.join(tmp.path, `postgres-${port}`))).toBe(false);
  });

  it('says which port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const err = await rejection(startPostgres(options({ port })));
      expect(err.message).toBe(`port ${port} is in use; set postgres.port or free it`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports a crash of the postmaster, takes its backends down, and stop() removes the dir', async () => {
    const crashy = await startPostgres(options({ port: await getFreePort(), databases: [] }));
    others.push(crashy);
    const exited = new Promise<ServerExit>((resolve) => crashy.onExit(resolve));
    process.kill(crashy.pid, 'SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL', expected: false });
    expect(groupAlive(crashy.pid)).toBe(false);
    await crashy.stop();
    expect(fs.existsSync(crashy.dir)).toBe(false);
  });

  it('stop() ends every process of the cluster and removes its dir', async () => {
    const port = await getFreePort();
    const short = await startPostgres(options({ port, databases: [] }));
    others.push(short);
    await withClient(short.url('postgres'), async (c) => c.query('SELECT 1'));
    let exit: ServerExit | undefined;
    short.onExit((e) => (exit = e));
    await short.stop();
    expect(exit).toEqual({ code: 0, signal: null, expected: true });
    expect(pidAlive(short.pid)).toBe(false);
    expect(groupAlive(short.pid)).toBe(false);
    expect(fs.existsSync(short.dir)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });
});
