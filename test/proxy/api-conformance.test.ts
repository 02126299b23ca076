import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxyServer } from '../../src/proxy/index.ts';
import { getFreePort } from '../../src/util/ports.ts';
import { readTranscript } from './support/transcript.ts';

/**
 * Replays the real toxiproxy-server 2.12.0's answers to 45 calls against our
 * server and compares status codes and bodies byte for byte, after giving the
 * transcript's fixed listen ports (21001...) free ports on this machine.
 */
describe('HTTP API replays the toxiproxy 2.12.0 transcript', { timeout: 30_000 }, () => {
  let server: FaultProxyServer;
  const calls = readTranscript();
  const portMap = new Map<string, string>();

  const remap = (text: string): string => text.replace(/\b21\d{3}\b/g, (port) => portMap.get(port) ?? port);

  beforeAll(async () => {
    server = await startFaultProxy({ port: 0 });
    const all = calls.map((c) => `${c.path} ${c.body ?? ''} ${c.response}`).join(' ');
    for (const port of new Set(all.match(/\b21\d{3}\b/g))) portMap.set(port, String(await getFreePort()));
  });
  afterAll(() => server?.close());

  it('has the 45 reference calls', () => {
    expect(calls).toHaveLength(45);
  });

  it('answers every call with the same status and body, in order', async () => {
    const mismatches: string[] = [];
    for (const call of calls) {
      // The transcript's 403 is the browser guard; it was produced with a browser User-Agent.
      const headers = call.status === 403 ? { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' } : undefined;
      const response = await fetch(server.url + call.path, {
        method: call.method,
        body: call.body === undefined ? undefined : remap(call.body),
        headers,
      });
      const body = (await response.text()).trim();
      expect(response.headers.get('x-toxiproxy-request-id')).toMatch(/^[0-9a-v]{20}$/);
      if (response.status !== call.status || body !== remap(call.response)) {
        mismatches.push(`${call.method} ${call.path} ${call.body ?? ''}\n  got ${response.status} ${body}\n  want ${call.status} ${remap(call.response)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('HTTP API details beyond the transcript', { timeout: 30_000 }, () => {
  let server: FaultProxyServer;
  beforeAll(async () => {
    server = await startFaultProxy({ port: 0, metrics: true });
  });
  afterAll(() => server?.close());

  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(server.url + path, { method, body });
    return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
  };

  it('writes errors like Go http.Error and versions with a newline', async () => {
    expect(await call('GET', '/proxies/missing')).toEqual({
      status: 404,
      body: '{"error":"proxy not found","status":404}\n',
      type: 'text/plain; charset=utf-8',
    });
    expect((await call('GET', '/version')).body).toBe('{"version": "2.12.0"}\n');
    expect((await call('PUT', '/proxies')).status).toBe(405);
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: '404 page not found\n' });
  });

  it('reports Go decoder errors for empty, cut and mistyped bodies', async () => {
    expect((await call('POST', '/proxies', '')).body).toContain('"bad request body: EOF"');
    expect((await call('POST', '/proxies', '{"name":')).body).toContain('"bad request body: unexpected EOF"');
    expect((await call('POST', '/proxies', '{"name":1}')).body).toContain(
      'json: cannot unmarshal number into Go struct field Proxy.name of type string',
    );
    expect((await call('POST', '/proxies', '[1,]')).body).toContain("invalid character ']' looking for beginning of value");
  });

  it('shows the real port for listen port 0 and keeps it across disable/enable', async () => {
    const upstream = `127.0.0.1:${await getFreePort()}`;
    const created = JSON.parse((await call('POST', '/proxies', JSON.stringify({ name: 'p0', listen: '127.0.0.1:0', upstream }))).body);
    expect(created.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    await call('PATCH', '/proxies/p0', '{"enabled":false}');
    const again = JSON.parse((await call('PATCH', '/proxies/p0', '{"enabled":true}')).body);
    expect(again.listen).toBe(created.listen);
  });

  it('populate keeps an identical proxy with its toxics and replaces a changed one', async () => {
    const upstream = `127.0.0.1:${await getFreePort()}`;
    const listen = `127.0.0.1:${await getFreePort()}`;
    await call('POST', '/populate', JSON.stringify([{ name: 'pp', listen, upstream }]));
    await call('POST', '/proxies/pp/toxics', '{"type":"latency","attributes":{"latency":5}}');
    const kept = JSON.parse((await call('POST', '/populate', JSON.stringify([{ name: 'pp', listen, upstream }]))).body);
    expect(kept.proxies[0].toxics).toHaveLength(1);
    const other = `127.0.0.1:${await getFreePort()}`;
    const replaced = JSON.parse((await call('POST', '/populate', JSON.stringify([{ name: 'pp', listen, upstream: other }]))).body);
    expect(replaced.proxies[0]).toMatchObject({ upstream: other, toxics: [] });
    expect((await call('POST', '/populate', '[]')).body).toBe('{"proxies":null}');
  });

  it('serves Prometheus counters with Toxiproxy names and labels when metrics are on', async () => {
    const { body, status } = await call('GET', '/metrics');
    expect(status).toBe(200);
    expect(body).toMatch(/^toxiproxy_proxy_received_bytes_total\{direction="upstream",listener="127\.0\.0\.1:\d+",proxy="p0",upstream="127\.0\.0\.1:\d+"\} 0$/m);
    expect(body).toContain('# TYPE toxiproxy_proxy_sent_bytes_total counter');
  });
});
