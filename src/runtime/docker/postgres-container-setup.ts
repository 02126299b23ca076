/**
 * Roles, databases, init_sql and grants for the Postgres container, over its
 * published port: services/postgres-setup.ts, told what differs. Its default
 * wait for the setup backends to exit signals their pids, and a container's
 * pids are in another pid namespace (the same numbers on the host are other
 * processes, so it always waited its full 2 s): here it watches
 * pg_stat_activity instead.
 */
import pg from 'pg';
import { applySetup } from '../../services/postgres-setup.ts';

export interface ContainerPostgresSetup {
  port: number;
  superuser: { name: string; password: string };
  databases: string[];
  users: Array<{ name: string; password: string }>;
  initSqlFile: string | null;
}

export function applyContainerSetup(s: ContainerPostgresSetup): Promise<void> {
  return applySetup({
    port: s.port,
    superuser: s.superuser.name,
    superuserPassword: s.superuser.password,
    databases: s.databases,
    users: s.users,
    initSqlFile: s.initSqlFile,
    waitClosed: 'activity',
    // A container that never answers fails start-up instead of hanging it.
    connectTimeoutMs: 10_000,
  });
}

/** One login over TCP, bounded: Docker's port proxy may accept and then hold the connection. */
export async function pgLogin(port: number, user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The superuser's password once the setup is applied: `users` may change it. */
export function superuserPasswordAfter(s: Omit<ContainerPostgresSetup, 'port'>): string {
  return s.users.find((u) => u.name === s.superuser.name)?.password ?? s.superuser.password;
}
