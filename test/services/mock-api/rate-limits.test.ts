import { afterEach, describe, expect, it } from 'vitest';
import { loadMockApiFile, type RunningMockApi } from '../../../src/services/mock-api/index.ts';
import { startMockApi } from '../../../src/services/mock-api/index.ts';
import { burst, countBy, hammer, startInline } from './helpers.ts';

const CLIENTS = 100;

function fixture(limitYaml: string, extra = ''): string {
  return `
name: limited
journal_size: 50000
${extra}
rate_limits:
${limitYaml}
routes:
  - name: ping
    path: /ping
    body: { ok: true }
`;
}

describe('rate limits under 100 concurrent clients', { timeout: 60_000 }, () => {
  let api: RunningMockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('fixed_window admits exactly the limit and says so in standard headers', async () => {
    api = await startInline(fixture(`  - { name: fw, algorithm: fixed_window, limit: 30, window: 1m }`));
    const events: string[] = [];
    api.on('rate_limited', (e) => events.push(`${e.route}/${e.limit}`));
    const answers = await burst(`${api.url}/ping`, CLIENTS);
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(30);
    expect(refused).toHaveLength(70);
    // Each admitted request saw a distinct remaining count, 29 down to 0.
    expect(ok.map((a) => Number(a.headers['x-ratelimit-remaining'])).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const a of [...ok, ...refused]) expect(a.headers['x-ratelimit-limit']).toBe('30');
    for (const a of refused) {
      expect(a.headers['x-ratelimit-remaining']).toBe('0');
      const retry = Number(a.headers['retry-after']);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(JSON.parse(a.text)).toMatchObject({ error: 'rate limit exceeded', limit: 'fw' });
    }
    expect(api.counters()).toMatchObject({ requests: 100, rateLimited: 70, rateLimitedBy: { fw: 70 } });
    expect(events).toEqual(Array(70).fill('ping/fw'));
  });

  it('sliding_window admits exactly the limit', async () => {
    api = await startInline(fixture(`  - { name: sw, algorithm: sliding_window, limit: 30, window: 1m }`));
    const answers = await burst(`${api.url}/ping`, CLIENTS);
    expect(countBy(answers.map((a) => a.status))).toEqual(new Map([[200, 30], [429, 70]]));
  });

  it('token_bucket admits exactly its capacity in a burst, then refills', async () => {
    // 0.1 token/s: the burst would have to take 10 s to earn one more token.
    api = await startInline(fixture(`  - { name: tb, algorithm: token_bucket, limit: 25, refill_per_second: 0.1 }`));
    const answers = await burst(`${api.url}/ping`, CLIENTS);
    expect(countBy(answers.map((a) => a.status))).toEqual(new Map([[200, 25], [429, 75]]));
    const retry = Number(answers.find((a) => a.status === 429)!.headers['retry-after']);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(10);

    api.setRateLimit('tb', { limit: 5, refillPerSecond: 2 });
    const t0 = performance.now();
    const first = countBy((await burst(`${api.url}/ping`, 20)).map((a) => a.status)).get(200)!;
    // Starts full (5); the burst itself may earn 2/s on a slow machine.
    expect(first).toBeGreaterThanOrEqual(5);
    expect(first).toBeLessThanOrEqual(5 + Math.floor(((performance.now() - t0) / 1000) * 2));
    await new Promise((r) => setTimeout(r, 1_100)); // earns at least 2 tokens, and never more than the 5 it holds
    const second = countBy((await burst(`${api.url}/ping`, 20)).map((a) => a.status)).get(200)!;
    expect(second).toBeGreaterThanOrEqual(2);
    expect(second).toBeLessThanOrEqual(5);
  });

  it('concurrency admits exactly the limit in flight and frees slots when responses end', async () => {
    // Each admitted request is held 1.5 s, far longer than 100 connections take to arrive.
    api = await startInline(fixture(`  - { name: cc, algorithm: concurrency, limit: 5 }`, 'latency: 1500'));
    const answers = await burst(`${api.url}/ping`, CLIENTS);
    expect(countBy(answers.map((a) => a.status))).toEqual(new Map([[200, 5], [429, 95]]));
    const again = await burst(`${api.url}/ping`, 10);
    expect(countBy(again.map((a) => a.status)).get(200)).toBe(5);
  });

  it('quota (per UTC day) admits exactly the limit and resets at midnight UTC', async () => {
    api = await startInline(fixture(`  - { name: daily, algorithm: quota, period: day, limit: 40 }`));
    const answers = await burst(`${api.url}/ping`, CLIENTS);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(40);
    const now = new Date();
    const toMidnightS = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
    // 5 s margin for the time between the burst and this line on a busy machine.
    expect(Math.abs(Number(answers[0]!.headers['x-ratelimit-reset']) - toMidnightS)).toBeLessThan(5);
  });

  it('scope api_key counts each key on its own', async () => {
    api = await startInline(fixture(`  - { name: per_key, algorithm: fixed_window, limit: 10, window: 1m, scope: api_key, key_header: x-key }`));
    const [a, b] = await Promise.all([
      burst(`${api.url}/ping`, 50, { headers: { 'x-key': 'alpha' } }),
      burst(`${api.url}/ping`, 50, { headers: { 'x-key': 'beta' } }),
    ]);
    expect(a.filter((x) => x.status === 200)).toHaveLength(10);
    expect(b.filter((x) => x.status === 200)).toHaveLength(10);
    expect(api.journal({ limit: 1 })[0]!.headers['x-key']).toBe('***');
  });

  it('scope client counts each client address on its own', async () => {
    api = await startInline(fixture(`  - { name: per_client, algorithm: fixed_window, limit: 10, window: 1m, scope: client }`));
    const [a, b] = await Promise.all([
      burst(`${api.url}/ping`, 50, { localAddress: '127.0.0.1' }),
      burst(`${api.url}/ping`, 50, { localAddress: '127.0.0.2' }),
    ]);
    expect(a.filter((x) => x.status === 200)).toHaveLength(10);
    expect(b.filter((x) => x.status === 200)).toHaveLength(10);
  });

  it('the undocumented limit of sentiment.yaml gives bare 429s only after its burst', async () => {
    api = await startMockApi(await loadMockApiFile('fixtures/apis/sentiment.yaml'), { seed: 7 });
    const answers = await burst(`${api.url}/v1/sentiment`, CLIENTS, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'I love it' }),
    });
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    // The bucket holds 20 and refills 2/s: a burst that takes a loaded machine
    // longer than 500 ms has earned more; allow exactly what the span earned.
    const times = api.journal().map((e) => e.atMs);
    const earned = Math.floor(((Math.max(...times) - Math.min(...times)) / 1000) * 2);
    expect(ok.length).toBeGreaterThanOrEqual(20);
    expect(ok.length).toBeLessThanOrEqual(20 + earned);
    expect(refused).toHaveLength(100 - ok.length);
    for (const a of ok) expect(Object.keys(a.headers).filter((h) => h.includes('ratelimit'))).toEqual([]);
    for (const a of refused) {
      expect(a.text).toBe('Too Many Requests');
      expect(a.headers['retry-after']).toBeUndefined();
      expect(Object.keys(a.headers).filter((h) => h.includes('ratelimit'))).toEqual([]);
    }
    expect(JSON.parse(ok[0]!.text)).toEqual({ label: 'positive', score: 0.92, text: 'I love it' });
  });
});

describe('no over-admission at window edges', { timeout: 60_000 }, () => {
  let api: RunningMockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('sliding_window: no span of 500 ms holds more than 10 admitted requests', async () => {
    api = await startInline(fixture(`  - { name: sw, algorithm: sliding_window, limit: 10, window: 500ms }`));
    await hammer(`${api.url}/ping`, 20, 2_600, 20_000);
    const admitted = api.journal().filter((e) => e.status === 200).map((e) => e.atMs);
    // 5+ windows went by; even a slow machine admits most of their 50+ slots.
    expect(admitted.length).toBeGreaterThanOrEqual(30);
    for (let i = 0; i + 10 < admitted.length; i++) expect(admitted[i + 10]! - admitted[i]!).toBeGreaterThanOrEqual(500);
  });

  it('fixed_window: every window admits exactly its limit, never more', async () => {
    api = await startInline(fixture(`  - { name: fw, algorithm: fixed_window, limit: 10, window: 500ms }`));
    await hammer(`${api.url}/ping`, 20, 2_600, 20_000);
    const entries = api.journal();
    const perWindow: number[] = [];
    let windowEnd = -Infinity;
    for (const e of entries) {
      if (e.atMs >= windowEnd) {
        windowEnd = e.atMs + 500;
        perWindow.push(0);
      }
      if (e.status === 200) perWindow[perWindow.length - 1]!++;
    }
    expect(perWindow.length).toBeGreaterThanOrEqual(4);
    // The last window may have been cut short by the end of the run.
    for (const n of perWindow.slice(0, -1)) expect(n).toBe(10);
    expect(perWindow.at(-1)!).toBeLessThanOrEqual(10);
  });
});
