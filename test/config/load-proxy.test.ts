import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/diagnostics.ts';
import { loadEnvironmentFile, loadEnvironmentFromObject } from '../../src/config/load.ts';
import { toxicKinds } from '../../src/proxy/toxics/index.ts';

const validDir = fileURLToPath(new URL('./valid/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => path.join(repoRoot, 'fixtures', 'apis', name);
const base = { services: { api: { command: 'node s.js' } } };

function errorsOf(obj: unknown): string[] {
  try {
    loadEnvironmentFromObject(obj, { env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.diagnostics.map((d) => `${d.path}: ${d.message}`);
    throw err;
  }
  return [];
}

describe('fault proxy sections: defaults', () => {
  it('gives an environment without them the default proxy and empty sections', async () => {
    const e = await loadEnvironmentFile(path.join(validDir, 'basic.yaml'), { env: { TOKEN_FOR_TEST: 't' } });
    expect(e.faultProxy).toEqual({ engine: 'auto', url: null, port: null });
    expect(e.upstreams).toEqual({});
    expect(e.apis).toEqual({});
    expect(e.faults).toEqual({});
  });

  it('reads `fault_proxy:` alone as the defaults, and a url as engine toxiproxy without a trailing slash', () => {
    expect(loadEnvironmentFromObject({ ...base, fault_proxy: null }, { env: {} }).faultProxy).toEqual({ engine: 'auto', url: null, port: null });
    const withUrl = loadEnvironmentFromObject({ ...base, fault_proxy: { url: 'http://localhost:8474/' } }, { env: {} });
    expect(withUrl.faultProxy).toEqual({ engine: 'toxiproxy', url: 'http://localhost:8474', port: null });
    const v6 = loadEnvironmentFromObject({ ...base, fault_proxy: { engine: 'toxiproxy', url: 'http://[::1]:9474' } }, { env: {} });
    expect(v6.faultProxy).toEqual({ engine: 'toxiproxy', url: 'http://[::1]:9474', port: null });
  });
});

describe('fault proxy sections: a file with all of them', () => {
  it('normalises every new section', async () => {
    const e = await loadEnvironmentFile(path.join(validDir, 'faults.yaml'), { env: {} });
    expect(e.faultProxy).toEqual({ engine: 'agentup', url: null, port: 18474 });
    expect(e.upstreams).toEqual({
      payments: { name: 'payments', host: '127.0.0.1', port: 9000 },
      // localhost is pinned to 127.0.0.1; a bracketed IPv6 host loses its brackets.
      ledger: { name: 'ledger', host: '127.0.0.1', port: 9001 },
      audit: { name: 'audit', host: '::1', port: 9002 },
    });
    expect(e.apis).toEqual({
      llm: { name: 'llm', fixture: fixture('openai.yaml'), port: 14010 },
      sentiment: { name: 'sentiment', fixture: fixture('sentiment.yaml'), port: null },
    });
    expect(e.faults).toEqual({
      redis: [
        { name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 200, jitter: 20 } },
        { name: 'latency_upstream', type: 'latency', stream: 'upstream', toxicity: 0.25, attributes: { latency: 50, jitter: 0 } },
      ],
      postgres: [{ name: 'bandwidth_upstream', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 100 } }],
      llm: [
        { name: 'llm_cut', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 4096 } },
        { name: 'reset_peer_downstream', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } },
      ],
      payments: [{ name: 'slicer_downstream', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 64, size_variation: 0, delay: 10 } }],
    });
    expect(e.services.triage!.dependsOn).toEqual(['redis', 'postgres', 'llm', 'payments']);
    // References stay for the planner, which knows the proxies' ports.
    expect(e.services.triage!.env.LLM_BASE_URL!.value).toBe('${apis.llm.url}/v1');
    expect(e.services.triage!.env.PAYMENTS_URL!.value).toBe('${upstreams.payments.url}');
  });

  it('records positions of the new keys', async () => {
    const e = await loadEnvironmentFile('test/config/valid/faults.yaml', { env: {} });
    expect(e.positions.get('fault_proxy.port')).toEqual({ file: 'test/config/valid/faults.yaml', line: 22, col: 9 });
    expect(e.positions.get('upstreams.payments.address')).toMatchObject({ line: 25, col: 14 });
    expect(e.positions.get('apis.llm.fixture')).toMatchObject({ line: 32, col: 14 });
    expect(e.positions.get('faults.redis.1.toxicity')).toMatchObject({ line: 42, col: 17 });
  });
});

describe('toxics come from the fault proxy registry', () => {
  it('accepts every registered type with each of its attributes, filled in registry order', () => {
    const faults = toxicKinds.map((kind, i) => ({
      type: kind.type,
      attributes: Object.fromEntries(kind.attributes.map((a, j) => [a.name, i * 10 + j])),
    }));
    const e = loadEnvironmentFromObject({ ...base, redis: {}, faults: { redis: faults } }, { env: {} });
    expect(e.faults.redis!.map((t) => t.type)).toEqual(toxicKinds.map((k) => k.type));
    e.faults.redis!.forEach((toxic, i) => {
      const kind = toxicKinds[i]!;
      expect(Object.keys(toxic.attributes)).toEqual(kind.attributes.map((a) => a.name));
      expect(Object.values(toxic.attributes)).toEqual(kind.attributes.map((_, j) => i * 10 + j));
    });
  });

  it('fills left-out attributes with 0 and refuses what the registry does not know', () => {
    const e = loadEnvironmentFromObject({ ...base, redis: {}, faults: { redis: [{ type: 'slicer', attributes: { delay: 7 } }] } }, { env: {} });
    expect(e.faults.redis![0]!.attributes).toEqual({ average_size: 0, size_variation: 0, delay: 7 });
    expect(errorsOf({ ...base, redis: {}, faults: { redis: [{ type: 'latency', attributes: { latnecy: 1, rate: 2 } }] } })).toEqual([
      'faults.redis.0.attributes.latnecy: faults.redis.0.attributes.latnecy is not an attribute of latency; did you mean latency?',
      'faults.redis.0.attributes.rate: faults.redis.0.attributes.rate is not an attribute of latency',
    ]);
    const [typeError] = errorsOf({ ...base, redis: {}, faults: { redis: [{ type: 'drop' }] } });
    for (const kind of toxicKinds) expect(typeError).toContain(kind.type);
  });

  it('allows the same type twice on one proxy when the names differ', () => {
    const e = loadEnvironmentFromObject(
      { ...base, redis: {}, faults: { redis: [{ type: 'latency' }, { type: 'latency', name: 'more' }, { type: 'latency', stream: 'upstream' }] } },
      { env: {} },
    );
    expect(e.faults.redis!.map((t) => t.name)).toEqual(['latency_downstream', 'more', 'latency_upstream']);
    // The same default name on two different proxies is fine too.
    const two = loadEnvironmentFromObject({ ...base, redis: {}, postgres: {}, faults: { redis: [{ type: 'timeout' }], postgres: [{ type: 'timeout' }] } }, { env: {} });
    expect([two.faults.redis![0]!.name, two.faults.postgres![0]!.name]).toEqual(['timeout_downstream', 'timeout_downstream']);
  });
});

describe('apis and upstreams as dependencies', () => {
  it('lets depends_on and faults name them bare, and only once across sections', () => {
    const apis = { llm: { fixture: fixture('openai.yaml') } };
    const e = loadEnvironmentFromObject(
      { services: { api: { command: 'x', depends_on: ['llm', 'pay'] } }, apis, upstreams: { pay: { address: '127.0.0.1:9100' } }, faults: { llm: [], pay: [{ type: 'noop' }] } },
      { env: {} },
    );
    expect(e.faults).toEqual({ llm: [], pay: [{ name: 'noop_downstream', type: 'noop', stream: 'downstream', toxicity: 1, attributes: {} }] });
    expect(errorsOf({ services: { llm: { command: 'x' } }, apis })).toEqual([
      'apis.llm: apis.llm has the same name as services.llm (<inline>:1:1)',
    ]);
  });

  it('refuses an upstream or a proxy API that is not on this machine', () => {
    expect(errorsOf({ ...base, upstreams: { a: { address: '127.0.0.2:80' } } })).toEqual([
      'upstreams.a.address: upstreams.a.address must be on this machine (127.0.0.1, localhost or [::1]), got host 127.0.0.2',
    ]);
    expect(errorsOf({ ...base, fault_proxy: { url: 'http://example.com:8474' } })).toEqual([
      'fault_proxy.url: fault_proxy.url must point at this machine (127.0.0.1, localhost or [::1]), got host example.com',
    ]);
    expect(errorsOf({ ...base, fault_proxy: { url: 'http://user:pw@127.0.0.1:8474' } })[0]).toMatch(/must be the base URL of a Toxiproxy API/);
  });
});
