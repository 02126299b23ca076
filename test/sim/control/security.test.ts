import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentupError } from '../../../src/errors.ts';
import { startControlServer } from '../../../src/sim/control/server.ts';
import { startSimulation, type Simulation } from '../../../src/sim/simulation.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { error?: string; hint?: string; status?: number; name?: string };
}

/** A raw request, so Host, User-Agent and Origin are exactly what the test says. */
function request(port: number, options: { path?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: options.path ?? '/info', method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('control API security and errors', { timeout: 60_000 }, () => {
  let sim: Simulation;
  let runtimeDir: string;
  let port: number;
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-control-sec-'));
    sim = await startSimulation(
      { name: 'guarded', services: { web: { command: ['node', 'fixtures/services/hello.js'] } } },
      { dir: REPO_ROOT, faultProxyPort: 0, control: { runtimeDir } },
    );
    const url = new URL(sim.controlUrl!);
    port = Number(url.port);
    token = url.searchParams.get('token')!;
  });

  afterAll(async () => {
    await sim?.stop();
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('the token is accepted as a Bearer header or ?token=, and the answer has no CORS header', async () => {
    const viaHeader = await request(port, { headers: auth() });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.name).toBe('guarded');
    expect(viaHeader.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(port, { path: `/info?token=${token}` })).status).toBe(200);
    expect((await request(port, { headers: { ...auth(), host: `localhost:${port}` } })).status).toBe(200);
  });

  test('a missing or wrong token is 401', async () => {
    const missing = await request(port, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: 'token required', status: 401 });
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    // Another last character; a fixed 'A' would be the token itself whenever the token ends in A (1 run in 16).
    const wrong = await request(port, { path: `/info?token=${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('wrong token');
    expect((await request(port, { headers: { authorization: 'Bearer nope' } })).body.error).toBe('wrong token');
    expect((await request(port, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
  });

  test('a Host other than 127.0.0.1:PORT or localhost:PORT (DNS rebinding) is 403, even with the token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `0.0.0.0:${port}`]) {
      const answer = await request(port, { headers: { ...auth(), host } });
      expect(answer.status, host).toBe(403);
      expect(answer.body.error).toBe('host not allowed');
    }
  });

  test('browsers are refused by User-Agent and by Origin, even with the token; a preflight gets no CORS grant', async () => {
    const browser = await request(port, { headers: { ...auth(), 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0' } });
    expect(browser.status).toBe(403);
    expect(browser.body.error).toBe('browsers not allowed');
    const cross = await request(port, { headers: { ...auth(), origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.body.error).toBe('cross-origin requests not allowed');
    const preflight = await request(port, { method: 'OPTIONS', headers: { ...auth(), 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(405);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('errors are { error, hint, status } with fixed messages and statuses', async () => {
    const route = await request(port, { path: '/nope', headers: auth() });
    expect([route.status, route.body.error]).toEqual([404, 'route not found']);
    const method = await request(port, { path: '/events', method: 'DELETE', headers: auth() });
    expect([method.status, method.body.error, method.headers.allow]).toEqual([405, 'method DELETE not allowed', 'GET']);
    const dep = await request(port, { path: '/dependencies/redis/latency', method: 'POST', headers: auth(), body: '{"args":[100]}' });
    expect([dep.status, dep.body.error]).toEqual([404, 'no dependency named "redis" in guarded']);
    expect(dep.body.hint).toMatch(/dependencies behind the fault proxy/);
    const replica = await request(port, { path: '/replicas/web-9/kill', method: 'POST', headers: auth() });
    expect([replica.status, replica.body.error]).toEqual([404, 'no replica named web-9']);
    const json = await request(port, { path: '/replicas/web-1/kill', method: 'POST', headers: auth(), body: '{not json' });
    expect([json.status, json.body.error]).toEqual([400, 'body is not JSON']);
    const load = await request(port, { path: '/loads', method: 'POST', headers: auth(), body: JSON.stringify({ rate: -1, duration: '1s' }) });
    expect(load.status).toBe(400);
    expect(load.body.error).toMatch(/rate/);
  });

  test('a taken control port is a user error naming it', async () => {
    const err = await startControlServer(sim, { port, runtimeDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as AgentupError).message).toBe(`control API port ${port} on 127.0.0.1 is in use`);
  });

  test('stop() closes the control API and removes the token and discovery files', async () => {
    const own = await startSimulation(
      { name: 'short', services: { web: { command: ['node', 'fixtures/services/hello.js'] } } },
      { dir: REPO_ROOT, faultProxyPort: 0, control: { runtimeDir } },
    );
    const file = own.controlTokenFile!;
    const ownPort = Number(new URL(own.controlUrl!).port);
    expect(fs.existsSync(file)).toBe(true);
    await own.stop();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(file.replace(/\.token$/, '.json'))).toBe(false);
    await expect(request(ownPort, { headers: auth() })).rejects.toThrow(/ECONNREFUSED/);
  });
});
