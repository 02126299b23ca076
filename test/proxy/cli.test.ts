import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ToxiproxyClient } from '../../src/proxy/index.ts';
import { getFreePort } from '../../src/util/ports.ts';
import { connect, startEchoServer, type EchoServer } from './support/echo-server.ts';
import { roundTripMs } from './support/setup.ts';

/** `agentup toxiproxy` as a real child process: --config, --seed, --metrics, and a clean SIGTERM. */
describe('agentup toxiproxy', { timeout: 30_000 }, () => {
  let child: ChildProcess | undefined;
  let echo: EchoServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await echo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function start(args: string[]): Promise<{ url: string; output: () => string }> {
    child = spawn(process.execPath, ['bin/agentup.js', 'toxiproxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no API line after 20000ms: ${output}`)), 20_000);
      const check = (): void => {
        const match = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match && (output.includes('proxy ') || !args.includes('--config'))) {
          clearTimeout(timer);
          resolve({ url: match[1]!, output: () => output });
        }
      };
      child!.stdout!.on('data', check);
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    });
  }

  it('populates from --config, serves the API and metrics, and exits 0 on SIGTERM closing its listeners', async () => {
    echo = await startEchoServer();
    dir = await mkdtemp(join(tmpdir(), 'agentup-toxiproxy-'));
    const listenPort = await getFreePort();
    const config = join(dir, 'proxies.json');
    await writeFile(config, JSON.stringify([{ name: 'echo', listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${echo.port}` }]));
    const { url, output } = await start(['--port', '0', '--config', config, '--seed', '5', '--metrics']);
    expect(output()).toContain('(seed 5)');
    const client = new ToxiproxyClient(url);
    try {
      expect(Object.keys(await client.listProxies())).toEqual(['echo']);
      const socket = await connect(listenPort);
      expect(await roundTripMs(socket, 'hi')).toBeGreaterThan(0);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain(`toxiproxy_proxy_sent_bytes_total{direction="downstream",listener="127.0.0.1:${listenPort}",proxy="echo"`);
      const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      child!.kill('SIGTERM');
      expect(await exited).toBe(0);
      await closed;
      await expect(connect(listenPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      client.close();
    }
  });

  it('says which port is taken and suggests --port', async () => {
    echo = await startEchoServer();
    child = spawn(process.execPath, ['bin/agentup.js', 'toxiproxy', '--port', String(echo.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${echo.port} on 127.0.0.1 is in use`);
    expect(stderr).toContain('hint: pass --port');
  });
});
