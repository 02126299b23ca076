import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { ToxiproxyClient } from '../../../src/proxy/client.ts';
import { startSimulation } from '../../../src/sim/simulation.ts';
import { AgentupProcess, REPO_ROOT } from '../../support/agentup-cli.ts';
import { getFreePort } from '../../../src/util/ports.ts';

/** A TCP echo server standing in for a dependency the user runs. */
async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Round trip of `bytes` through `port`, in ms. */
async function roundTripMs(port: number, bytes = 16): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.alloc(bytes, 7)));
    let got = 0;
    s.on('data', (d) => {
      got += d.length;
      if (got >= bytes) (s.destroy(), resolve());
    });
    s.on('error', reject);
  });
  return performance.now() - t0;
}

describe('fault proxy wiring', { timeout: 60_000 }, () => {
  test('an upstream gets a proxy, and faults from the environment file are in effect from the start', async () => {
    const echo = await echoServer();
    try {
      await using sim = await startSimulation(
        {
          name: 'upstreams',
          services: { app: { command: ['node', 'fixtures/services/hello.js'], env: { PAYMENTS: '${upstreams.payments.address}' } } },
          upstreams: { payments: { address: `127.0.0.1:${echo.port}` } },
          faults: { payments: [{ type: 'latency', attributes: { latency: 150 } }] },
        },
        { dir: REPO_ROOT, faultProxyPort: 0 },
      );
      const [upstream] = sim.endpoints().upstreams;
      expect(upstream?.address).toBe(`127.0.0.1:${echo.port}`);
      const proxyPort = Number(upstream!.proxiedAddress.split(':')[1]);
      // The toxic delays the echo on its way back: at least 150 ms, at most 150 + 250 ms of slack.
      const slow = await roundTripMs(proxyPort);
      expect(slow).toBeGreaterThanOrEqual(150);
      expect(slow).toBeLessThan(400);
      expect(sim.events().some((e) => e.type === 'fault_added' && e.target === 'payments')).toBe(true);
      await sim.resetFaults();
      expect(await roundTripMs(proxyPort)).toBeLessThan(100);
    } finally {
      await echo.close();
    }
  });

  test('fault_proxy.url drives an already running Toxiproxy-compatible server through the same client, and takes away only its own proxies', async () => {
    const port = await getFreePort();
    const server = new AgentupProcess(['toxiproxy', '--port', String(port)]);
    try {
      await expect.poll(() => server.stderr + server.stdout, { timeout: 20_000 }).toMatch(/Toxiproxy 2\.12\.0 API on/);
      const url = `http://127.0.0.1:${port}`;
      const client = new ToxiproxyClient(url);
      await client.createProxy({ name: 'someone-else', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      const echo = await echoServer();
      try {
        const sim = await startSimulation(
          {
            name: 'external',
            services: { app: { command: ['node', 'fixtures/services/hello.js'] } },
            upstreams: { payments: { address: `127.0.0.1:${echo.port}` } },
            fault_proxy: { url },
          },
          { dir: REPO_ROOT },
        );
        expect(sim.endpoints().faultProxy).toEqual({ url, engine: `toxiproxy 2.12.0 at ${url}` });
        expect(Object.keys(await client.listProxies()).sort()).toEqual(['payments', 'someone-else']);
        const fault = await sim.dependency('payments').latency(100);
        expect((await client.listToxics('payments')).map((t) => t.name)).toEqual(['latency_downstream']);
        await fault.remove();
        await sim.stop();
        expect(Object.keys(await client.listProxies())).toEqual(['someone-else']);
      } finally {
        client.close();
        await echo.close();
      }
    } finally {
      server.kill('SIGTERM');
      await server.exited;
    }
  });
});
