import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startFaultProxy, ToxiproxyClient, type FaultProxyServer } from '../../src/proxy/index.ts';
import { getFreePort } from '../../src/util/ports.ts';
import { startEchoServer, type EchoServer } from './support/echo-server.ts';
import { roundTripMs } from './support/setup.ts';
import { connect } from './support/echo-server.ts';
import { addLatencyToxic } from '../support/latency-toxic.ts';

/** Existing Toxiproxy clients work unchanged: toxiproxy-node-client 4.1 and our own ToxiproxyClient. */
describe('clients against our server', { timeout: 30_000 }, () => {
  let server: FaultProxyServer;
  let echo: EchoServer;
  beforeAll(async () => {
    server = await startFaultProxy({ port: 0 });
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await server?.close();
    await echo?.close();
  });

  it('toxiproxy-node-client 4.1 creates, toxics, updates, lists, populates and resets', async () => {
    const toxiproxy = new Toxiproxy(server.url);
    expect(await toxiproxy.getVersion()).toBe('{"version": "2.12.0"}\n');
    const listen = `127.0.0.1:${await getFreePort()}`;
    const proxy = await toxiproxy.createProxy({ name: 'nc', listen, upstream: `127.0.0.1:${echo.port}` });
    expect(proxy.enabled).toBe(true);
    const toxic = await addLatencyToxic(proxy, 'slow', 80);
    expect(toxic.toJson()).toEqual({ attributes: { latency: 80, jitter: 0 }, name: 'slow', stream: 'downstream', toxicity: 1, type: 'latency' });
    const socket = await connect(Number(listen.split(':')[1]));
    try {
      expect(await roundTripMs(socket)).toBeGreaterThanOrEqual(79.5);
      const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 5, jitter: 0 } });
      expect(updated.attributes).toEqual({ latency: 5, jitter: 0 });
      expect((await proxy.getToxic('slow')).attributes).toEqual({ latency: 5, jitter: 0 });
      await toxic.remove();
      expect(Object.keys(await toxiproxy.getAll())).toEqual(['nc']);
      const disabled = await proxy.update({ enabled: false, listen, upstream: proxy.upstream });
      expect(disabled.enabled).toBe(false);
      const populated = await toxiproxy.populate([{ name: 'nc2', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]);
      expect(populated.nc2?.listen).toMatch(/^127\.0\.0\.1:\d+$/);
      await toxiproxy.reset();
      expect((await toxiproxy.get('nc')).enabled).toBe(true);
      await (await toxiproxy.get('nc2')).remove();
      await expect(toxiproxy.get('nc2')).rejects.toThrow(/404/);
    } finally {
      socket.destroy();
      await (await toxiproxy.get('nc')).remove();
    }
  });

  it('ToxiproxyClient covers every endpoint and quotes server errors', async () => {
    const client = new ToxiproxyClient(server.url);
    try {
      expect(await client.version()).toBe('2.12.0');
      const created = await client.createProxy({ name: 'ac', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
      expect(await client.getProxy('ac')).toEqual({ ...created, Logger: {} });
      await expect(client.createProxy({ name: 'ac', listen: '127.0.0.1:0', upstream: 'x:1' })).rejects.toMatchObject({
        name: 'AgentupError',
        status: 409,
        serverMessage: 'proxy already exists',
        message: expect.stringContaining('proxy already exists'),
      });
      const added = await client.addToxic('ac', { type: 'bandwidth', attributes: { rate: 10 } });
      expect(added).toEqual({ attributes: { rate: 10 }, name: 'bandwidth_downstream', type: 'bandwidth', stream: 'downstream', toxicity: 1 });
      expect(await client.updateToxic('ac', added.name, { toxicity: 0.5 })).toMatchObject({ toxicity: 0.5, attributes: { rate: 10 } });
      expect(await client.getToxic('ac', added.name)).toMatchObject({ toxicity: 0.5 });
      expect(await client.listToxics('ac')).toHaveLength(1);
      await client.removeToxic('ac', added.name);
      await expect(client.removeToxic('ac', added.name)).rejects.toMatchObject({ status: 404, serverMessage: 'toxic not found' });
      expect((await client.updateProxy('ac', { enabled: false })).enabled).toBe(false);
      expect(Object.keys(await client.listProxies())).toContain('ac');
      expect(await client.populate([])).toEqual([]);
      await client.reset();
      expect((await client.getProxy('ac')).enabled).toBe(true);
      await client.deleteProxy('ac');
      await expect(client.getProxy('ac')).rejects.toThrow(/proxy not found/);
    } finally {
      client.close();
    }
  });

  it('ToxiproxyClient names the address when no server answers', async () => {
    const port = await getFreePort();
    const client = new ToxiproxyClient(`http://127.0.0.1:${port}`);
    await expect(client.version()).rejects.toMatchObject({ name: 'AgentupError', message: expect.stringContaining(`127.0.0.1:${port}`) });
    client.close();
  });
});
