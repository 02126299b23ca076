/**
 * The real redis-server on a loopback port, persisting nothing. Its work dir
 * (`<workDir>/redis-<port>`) is created here and removed by stop().
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { AgentupError } from '../errors.ts';
import { isPortFree } from '../util/ports.ts';
import { findBinary, REDIS_INSTALL } from './binaries.ts';
import { probeTcp, waitReady } from './ready.ts';
import { ServerProcess, type ServerExit } from './server-process.ts';

export interface StartRedisOptions {
  port: number;
  /** redis.conf `maxmemory`, e.g. `64mb`; null or absent for no limit. */
  maxmemory?: string | null;
  maxmemoryPolicy?: string;
  /** A directory of this run; redis gets its own subdirectory inside it. */
  workDir: string;
  startupTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** Where PATH and AGENTUP_REDIS_SERVER are read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Aborting (Ctrl-C during start-up) kills redis, removes its dir and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RunningRedis extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Leader of its own process group: `kill(-pid, 'SIGKILL')` ends it all. */
  readonly pid: number;
  /** redis's working directory, removed by stop(). */
  readonly dir: string;
  /** Fires once when redis exits; `expected` is false for a crash. Returns an unsubscribe. */
  onExit(cb: (exit: ServerExit) => void): () => void;
  /** SIGTERM, SIGKILL after 3 s, then removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3000;
const POLL_MS = 15;

function portInUse(port: number): AgentupError {
  return new AgentupError(`port ${port} is in use; set redis.port or free it`, {
    hint: `find what holds it with: lsof -iTCP:${port} -sTCP:LISTEN`,
  });
}

export async function startRedis(options: StartRedisOptions): Promise<RunningRedis> {
  const { port } = options;
  options.signal?.throwIfAborted();
  const binary = findBinary('redis-server', { envVar: 'AGENTUP_REDIS_SERVER', install: REDIS_INSTALL, env: options.env });
  if (!(await isPortFree(port))) throw portInUse(port);
  const dir = path.join(options.workDir, `redis-${port}`);
  await fs.mkdir(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--daemonize', 'no', '--logfile', '', '--protected-mode', 'yes');
  if (options.maxmemory) args.push('--maxmemory', options.maxmemory);
  if (options.maxmemoryPolicy) args.push('--maxmemory-policy', options.maxmemoryPolicy);

  let server: ServerProcess;
  try {
    server = new ServerProcess('redis', binary, args, { cwd: dir, env: process.env, onLog: options.onLog });
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await server.stop('SIGTERM', STOP_GRACE_MS);
    await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const timeoutMs = options.startupTimeoutMs ?? 5000;
  const onAbort = () => server.killGroup();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await waitReady({
      target: `redis on 127.0.0.1:${port}`,
      timeoutMs,
      intervalMs: POLL_MS,
      server,
      check: () => probeTcp(port, 'PING\r\n', '+PONG'),
      onEarlyExit: () => earlyExitError(server, port, options),
    });
  } catch (err) {
    await stop();
    throw options.signal?.aborted ? options.signal.reason : err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: server.pid,
    dir,
    onExit: (cb) => server.onExit(cb),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function earlyExitError(server: ServerProcess, port: number, options: StartRedisOptions): AgentupError {
  const output = server.recentOutput();
  if (output.some((line) => line.includes('Address already in use'))) return portInUse(port);
  const exit = server.exitInfo;
  const how = exit?.signal ? `signal ${exit.signal}` : `code ${exit?.code ?? '?'}`;
  // A bad maxmemory/policy value makes redis print a FATAL CONFIG block quoting the directive.
  const quoted = output.findIndex((line) => line.startsWith('>>>'));
  const lines = quoted >= 0 ? output.slice(quoted, quoted + 2) : output.filter((l) => l.trim() !== '').slice(-5);
  const shown = lines.map((l) => `  ${l}`).join('\n');
  return new AgentupError(`redis-server exited during start-up (${how}):\n${shown}`, {
    hint: options.maxmemory || options.maxmemoryPolicy
      ? `check redis.maxmemory (${options.maxmemory ?? 'unset'}) and redis.maxmemory_policy (${options.maxmemoryPolicy ?? 'unset'})`
      : 'run redis-server --version to check the installed redis works',
  });
}
