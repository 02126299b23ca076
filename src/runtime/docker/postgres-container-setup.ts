/**
 * Roles, databases, init_sql and grants for the Postgres container, over its
 * published port, with the same SQL as services/postgres-setup.ts. Not that
 * module itself: it waits for its backends to exit by signalling their pids,
 * and a container's pids are in another pid namespace (the same numbers on
 * the host are other processes, so it always waited its full 2 s). Here the
 * last connection watches pg_stat_activity instead.
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { formatDiagnostic } from '../../config/diagnostics.ts';
import { AgentupError } from '../../errors.ts';

type Client = InstanceType<typeof pg.Client>;

export interface ContainerPostgresSetup {
  port: number;
  superuser: { name: string; password: string };
  databases: string[];
  users: Array<{ name: string; password: string }>;
  initSqlFile: string | null;
}

async function connect(s: ContainerPostgresSetup, database: string, password = s.superuser.password): Promise<Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: s.port, user: s.superuser.name, password, database, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function step(what: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (err) {
    throw new AgentupError(`postgres: could not ${what}: ${(err as Error).message}`, { hint: 'check the names under postgres.databases and postgres.users', cause: err });
  }
}

export async function applyContainerSetup(s: ContainerPostgresSetup): Promise<void> {
  const initSql = s.initSqlFile === null ? null : await readInitSql(s.initSqlFile);
  const names = s.users.filter((u) => u.name !== s.superuser.name).map((u) => u.name);
  const owner = names[0] ?? s.superuser.name;
  const admin = await connect(s, 'postgres');
  try {
    const version = Number((await admin.query<{ v: string }>('SHOW server_version_num')).rows[0]!.v);
    for (const user of s.users) {
      const exists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user.name])).rowCount! > 0;
      await step(`${exists ? 'alter' : 'create'} role "${user.name}"`, () =>
        admin.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${admin.escapeIdentifier(user.name)} WITH LOGIN PASSWORD ${admin.escapeLiteral(user.password)}`));
    }
    for (const db of s.databases) {
      const ident = admin.escapeIdentifier(db);
      const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db])).rowCount! > 0;
      // FILE_COPY (15+): with fsync off its checkpoints are nearly free; WAL_LOG took ~3x longer here.
      if (!exists) await step(`create database "${db}"`, () => admin.query(`CREATE DATABASE ${ident} OWNER ${admin.escapeIdentifier(owner)}${version >= 150000 ? ' STRATEGY FILE_COPY' : ''}`));
      if (names.length > 0) await admin.query(`GRANT ALL PRIVILEGES ON DATABASE ${ident} TO ${names.map((n) => admin.escapeIdentifier(n)).join(', ')}`);
    }
    for (const [index, db] of s.databases.entries()) {
      if (names.length === 0 && !(index === 0 && initSql)) continue;
      // postgres.users may have given the superuser a password of its own by now.
      const client = await connect(s, db, s.users.find((u) => u.name === s.superuser.name)?.password);
      try {
        if (index === 0 && initSql) {
          // As the app's role, so it owns what init_sql creates (like migrations run by the app).
          if (owner !== s.superuser.name) await client.query(`SET ROLE ${client.escapeIdentifier(owner)}`);
          await runInitSql(client, initSql, db, owner);
          if (owner !== s.superuser.name) await client.query('RESET ROLE');
        }
        if (names.length > 0) await grantEverything(client, names, [s.superuser.name, owner]);
      } finally {
        await client.end();
      }
    }
    // Every max_connections slot free for the app when start-up returns: the
    // other setup backends gone (this one's exit follows its end() at once).
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await admin.end();
  }
}

async function readInitSql(file: string): Promise<{ file: string; sql: string }> {
  try {
    return { file, sql: await readFile(file, 'utf8') };
  } catch (err) {
    throw new AgentupError(`postgres.init_sql: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { hint: "init_sql is resolved against the environment file's directory" });
  }
}

async function runInitSql(client: Client, init: { file: string; sql: string }, db: string, role: string): Promise<void> {
  try {
    // Simple-query protocol: the whole file runs as one implicit transaction.
    await client.query(init.sql);
  } catch (err) {
    const e = err as pg.DatabaseError;
    const message = `init_sql failed: ${e.message}${e.detail ? ` (${e.detail})` : ''}`;
    const offset = e.position ? Number(e.position) - 1 : -1;
    let text = `${init.file}: ${message}`;
    if (offset >= 0) {
      const before = init.sql.slice(0, offset).split('\n');
      text = formatDiagnostic({ file: init.file, line: before.length, col: before[before.length - 1]!.length + 1, path: 'postgres.init_sql', message }, init.sql.split(/\r?\n/));
    }
    throw new AgentupError(text, { hint: e.hint ?? `fix the SQL; it runs against database "${db}" as the role "${role}"`, cause: err });
  }
}

/** Every role gets everything in every schema, now and (default privileges) later. */
async function grantEverything(client: Client, names: string[], creatorNames: string[]): Promise<void> {
  const creators = [...new Set(creatorNames)].map((n) => client.escapeIdentifier(n)).join(', ');
  const roles = names.map((n) => client.escapeIdentifier(n)).join(', ');
  const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'");
  const sql: string[] = [];
  for (const { nspname } of rows) {
    const ns = client.escapeIdentifier(nspname);
    sql.push(`GRANT ALL ON SCHEMA ${ns} TO ${roles}`);
    for (const kind of ['TABLES', 'SEQUENCES', 'FUNCTIONS']) {
      sql.push(`GRANT ALL ON ALL ${kind} IN SCHEMA ${ns} TO ${roles}`);
      sql.push(`ALTER DEFAULT PRIVILEGES FOR ROLE ${creators} IN SCHEMA ${ns} GRANT ALL ON ${kind} TO ${roles}`);
    }
  }
  await client.query(sql.join(';\n'));
}
