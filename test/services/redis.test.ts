import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentupError } from '../../src/errors.ts';
import { startRedis, type RunningRedis } from '../../src/services/redis.ts';
import type { ServerExit } from '../../src/services/server-process.ts';
import { getFreePort, isPortFree } from '../../src/util/ports.ts';
import { makeTempDir, type TempDir } from '../../src/util/tempdir.ts';
import { groupAlive, pidAlive, processesMentioning } from './server-helpers.ts';

async function rejection(promise: Promise<unknown>): Promise<AgentupError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AgentupError);
  return err as AgentupError;
}

describe('startRedis', { timeout: 30_000 }, () => {
  let tmp: TempDir;
  const started: RunningRedis[] = [];
  beforeAll(async () => {
    tmp = await makeTempDir('agentup-redis-test-');
  });
  afterAll(async () => {
    for (const redis of started) await redis.stop();
    await tmp.remove();
  });

  it('serves PING/SET/GET with maxmemory and policy applied and nothing persisted', async () => {
    const port = await getFreePort();
    const redis = await startRedis({ port, workDir: tmp.path, maxmemory: '16mb', maxmemoryPolicy: 'allkeys-lru' });
    started.push(redis);
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.ping()).toBe('PONG');
      await client.set('greeting', 'hello');
      expect(await client.get('greeting')).toBe('hello');
      expect(await client.configGet('maxmemory')).toEqual({ maxmemory: String(16 * 1024 * 1024) });
      expect(await client.configGet('maxmemory-policy')).toEqual({ 'maxmemory-policy': 'allkeys-lru' });
      expect(await client.configGet('save')).toEqual({ save: '' });
      expect(await client.configGet('appendonly')).toEqual({ appendonly: 'no' });
      expect(await client.configGet('bind')).toEqual({ bind: '127.0.0.1' });
    } finally {
      await client.quit();
    }
    await redis.stop();
    expect(pidAlive(redis.pid)).toBe(false);
    expect(groupAlive(redis.pid)).toBe(false);
    expect(fs.existsSync(redis.dir)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it('reports a crash (kill -9) through onExit, and stop() still cleans up', async () => {
    const redis = await startRedis({ port: await getFreePort(), workDir: tmp.path });
    started.push(redis);
    const exited = new Promise<ServerExit>((resolve) => redis.onExit(resolve));
    process.kill(redis.pid, 'SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL', expected: false });
    await redis.stop();
    expect(fs.existsSync(redis.dir)).toBe(false);
  });

  it('writes nothing to its dir, even when it shuts itself down', async () => {
    const redis = await startRedis({ port: await getFreePort(), workDir: tmp.path });
    started.push(redis);
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.set('k', 'v');
    await client.quit();
    const exited = new Promise<ServerExit>((resolve) => redis.onExit(resolve));
    // SIGTERM straight to redis: its own shutdown path is where a save would happen.
    process.kill(redis.pid, 'SIGTERM');
    expect((await exited).code).toBe(0);
    expect(fs.readdirSync(redis.dir)).toEqual([]);
    await redis.stop();
  });

  it('says which port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const err = await rejection(startRedis({ port, workDir: tmp.path }));
      expect(err.message).toBe(`port ${port} is in use; set redis.port or free it`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(fs.existsSync(path.join(tmp.path, `redis-${port}`))).toBe(false);
  });

  it('quotes redis\'s complaint about a bad maxmemory and leaves nothing running', async () => {
    const port = await getFreePort();
    const err = await rejection(startRedis({ port, workDir: tmp.path, maxmemory: '64zz' }));
    expect(err.message).toMatch(/^redis-server exited during start-up \(code 1\):\n {2}>>> 'maxmemory "64zz"'\n {2}argument must be a memory value$/);
    expect(err.hint).toContain('redis.maxmemory (64zz)');
    expect(processesMentioning(`redis-${port}`)).toEqual([]);
    expect(fs.existsSync(path.join(tmp.path, `redis-${port}`))).toBe(false);
  });

  it('times out with the target and the timeout in the message, killing what it started', async () => {
    const port = await getFreePort();
    // A stand-in that runs but never listens: the shape of a hung redis.
    const hung = path.join(tmp.path, 'hung-redis-server');
    const pidFile = path.join(tmp.path, 'hung.pid');
    fs.writeFileSync(hung, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`, { mode: 0o755 });
    const env = { PATH: process.env.PATH, AGENTUP_REDIS_SERVER: hung };
    const err = await rejection(startRedis({ port, workDir: tmp.path, startupTimeoutMs: 300, env }));
    expect(err.message).toBe(`redis on 127.0.0.1:${port} not ready after 300ms`);
    expect(pidAlive(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(fs.existsSync(path.join(tmp.path, `redis-${port}`))).toBe(false);
  });

  it('kills redis when start-up is aborted (Ctrl-C) and rejects with the reason', async () => {
    const port = await getFreePort();
    const controller = new AbortController();
    const reason = new Error('interrupted');
    // The first log line proves redis is running: abort mid-start-up.
    const err = await startRedis({ port, workDir: tmp.path, signal: controller.signal, onLog: () => controller.abort(reason) })
      .then(() => null, (e: unknown) => e);
    expect(err).toBe(reason);
    expect(processesMentioning(`redis-${port}`)).toEqual([]);
    expect(fs.existsSync(path.join(tmp.path, `redis-${port}`))).toBe(false);
  });

  it('kills redis when Node exits without stop()', async () => {
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const fixture = path.resolve(import.meta.dirname, 'fixtures/exit-without-stop.ts');
    const { stdout } = await promisify(execFile)(tsx, [fixture, tmp.path], { timeout: 20_000 });
    const { pid } = JSON.parse(stdout) as { pid: number };
    // The exit hook SIGKILLs synchronously; allow up to 2 s for the kernel to finish on a busy machine.
    await expect.poll(() => groupAlive(pid), { timeout: 2000, interval: 20 }).toBe(false);
  });

  it('fails before spawning when redis-server is not installed', async () => {
    const port = await getFreePort();
    const err = await rejection(startRedis({ port, workDir: tmp.path, env: { PATH: tmp.path } }));
    expect(err.message).toContain('redis-server was not found on PATH');
    expect(err.hint).toContain('sudo apt-get install -y redis-server');
    expect(fs.existsSync(path.join(tmp.path, `redis-${port}`))).toBe(false);
  });
});
