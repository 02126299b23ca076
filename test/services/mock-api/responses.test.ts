import { afterEach, describe, expect, it } from 'vitest';
import { loadMockApiFile, startMockApi, type JournalEntry, type RunningMockApi } from '../../../src/services/mock-api/index.ts';
import { sampleLatencyMs } from '../../../src/services/mock-api/latency.ts';
import { createPrng } from '../../../src/services/mock-api/prng.ts';
import { countBy, startInline } from './helpers.ts';

const API = `
name: shop
secret_headers: [x-session]
routes:
  - name: get_item
    path: /items/:id
    responses:
      - when: { headers: { x-tier: gold } }
        body: { id: "{{params.id}}", price: 80, tier: gold }
      - when: { query: { currency: EUR } }
        body: { id: "{{params.id}}", price: 92, currency: EUR }
      - body: { id: "{{params.id}}", price: 100, currency: "{{query.currency}}" }
  - name: echo
    method: POST
    path: /echo
    status: 201
    headers: { x-echo: "yes" }
    body: { count: "{{body.count}}", first_tag: "{{body.tags.0}}", text: "n={{body.count}}", agent: "{{headers.user-agent}}" }
  - name: poll
    path: /jobs/:id
    select: sequence
    responses:
      - { status: 202, body: { state: queued } }
      - { status: 202, body: { state: running } }
      - { status: 200, body: { state: done } }
  - name: coin
    path: /coin
    select: random
    responses:
      - { weight: 3, text: heads }
      - { weight: 1, text: tails }
  - name: slow
    path: /slow
    latency: 200
    text: done
  - name: dribble
    path: /dribble
    stream: { chunks: 5, duration: 400ms }
    text: "0123456789abcdefghij"
  - name: files
    path: /files/*rest
    body: { rest: "{{params.rest}}" }
`;

describe('responses, templates, selection and latency', { timeout: 60_000 }, () => {
  let api: RunningMockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('fills path params, query and matching rules', async () => {
    api = await startInline(API);
    expect(await (await fetch(`${api.url}/items/42`)).json()).toEqual({ id: '42', price: 100, currency: null });
    expect(await (await fetch(`${api.url}/items/42?currency=EUR`)).json()).toEqual({ id: '42', price: 92, currency: 'EUR' });
    expect(await (await fetch(`${api.url}/items/7`, { headers: { 'x-tier': 'gold' } })).json()).toEqual({ id: '7', price: 80, tier: 'gold' });
    expect(await (await fetch(`${api.url}/files/a/b%20c.txt`)).json()).toEqual({ rest: 'a/b c.txt' });
  });

  it('uses JSON body fields and headers, keeping a lone placeholder\'s type', async () => {
    api = await startInline(API);
    const res = await fetch(`${api.url}/echo`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'probe/1' }, body: JSON.stringify({ count: 3, tags: ['a', 'b'] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(await res.json()).toEqual({ count: 3, first_tag: 'a', text: 'n=3', agent: 'probe/1' });
  });

  it('walks a sequence and wraps around', async () => {
    api = await startInline(API);
    const states: string[] = [];
    for (let i = 0; i < 4; i++) states.push(((await (await fetch(`${api.url}/jobs/1`)).json()) as { state: string }).state);
    expect(states).toEqual(['queued', 'running', 'done', 'queued']);
  });

  it('picks at random by weight, repeatably for a seed', async () => {
    const flips = async (seed: number): Promise<string[]> => {
      const a = await startInline(API, seed);
      const out: string[] = [];
      for (let i = 0; i < 400; i++) out.push(await (await fetch(`${a.url}/coin`)).text());
      await a.close();
      return out;
    };
    const first = await flips(99);
    expect(await flips(99)).toEqual(first);
    // Expect 300 heads; +-45 is 5 standard deviations of Binomial(400, 0.75).
    const heads = countBy(first).get('heads')!;
    expect(heads).toBeGreaterThan(255);
    expect(heads).toBeLessThan(345);
  });

  it('waits the route latency and dribbles a streamed body', async () => {
    api = await startInline(API);
    let t0 = performance.now();
    expect(await (await fetch(`${api.url}/slow`)).text()).toBe('done');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190); // 10 ms timer margin

    t0 = performance.now();
    const res = await fetch(`${api.url}/dribble`);
    const reader = res.body!.getReader();
    const arrivals: number[] = [];
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(performance.now() - t0);
      text += Buffer.from(value).toString();
    }
    expect(text).toBe('0123456789abcdefghij');
    // 5 chunks over 400 ms; 50 ms early margin for timers and coalesced reads.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(350);
  });

  it('answers an unknown path with a 404 naming the API and its routes, and a wrong method with 405', async () => {
    api = await startInline(API);
    const res = await fetch(`${api.url}/nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string; api: string; routes: string[] };
    expect(body.api).toBe('shop');
    expect(body.error).toBe('mock API "shop" has no route for GET /nope');
    expect(body.routes).toContain('GET /items/:id');
    expect(body.routes).toHaveLength(7);
    const wrong = await fetch(`${api.url}/echo`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(api.counters()).toMatchObject({ requests: 2, unmatched: 2 });
  });

  it('journals requests with secrets masked and emits request events', async () => {
    api = await startInline(API);
    const seen: JournalEntry[] = [];
    api.on('request', (e) => seen.push(e));
    await fetch(`${api.url}/echo?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-secret', 'x-session': 'abc', 'x-visible': 'v', 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1 }),
    });
    const [entry] = api.journal();
    expect(entry).toMatchObject({
      method: 'POST', path: '/echo?x=1', route: 'echo', status: 201, rule: 'response', body: { count: 1 }, clientAddress: '127.0.0.1',
      headers: { authorization: '***', 'x-session': '***', 'x-visible': 'v' },
    });
    expect(entry!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual([entry]);
    for (let i = 0; i < 5; i++) await fetch(`${api.url}/items/${i}`);
    expect(api.journal({ limit: 2 }).map((e) => e.path)).toEqual(['/items/3', '/items/4']);
    api.resetCounters();
    expect(api.journal()).toEqual([]);
    expect(api.counters().requests).toBe(0);
  });
});

describe('the tickets preset', { timeout: 30_000 }, () => {
  it('wants a known API key and answers REST routes', async () => {
    await using api = await startMockApi(await loadMockApiFile('fixtures/apis/tickets.yaml'), { seed: 5 });
    const key = { 'x-api-key': 'tk_test_alpha', 'content-type': 'application/json' };
    const wrong = await fetch(`${api.url}/tickets/T-1`, { headers: { 'x-api-key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid or missing x-api-key' } });
    expect((await fetch(`${api.url}/tickets/T-1`)).status).toBe(401);
    const created = await fetch(`${api.url}/tickets`, { method: 'POST', headers: key, body: JSON.stringify({ subject: 'Login loop', priority: 'high' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-ratelimit-limit')).toBe('100');
    expect(await created.json()).toMatchObject({ subject: 'Login loop', priority: 'high', status: 'open' });
    expect((await fetch(`${api.url}/tickets/T-900`, { headers: key })).status).toBe(404);
    expect((await fetch(`${api.url}/tickets`, { method: 'POST', headers: key, body: '{}' })).status).toBe(422);
    expect(api.journal().map((e) => e.rule)).toEqual(['auth', 'auth', 'responses[1]', 'responses[0]', 'responses[0]']);
  });
});

describe('latency distributions (seeded samples)', () => {
  const draw = (n: number, f: () => number): number[] => Array.from({ length: n }, f).sort((a, b) => a - b);

  it('lognormal has the configured median and respects its cap', () => {
    const random = createPrng(11);
    const xs = draw(5000, () => sampleLatencyMs({ distribution: 'lognormal', medianMs: 80, sigma: 0.6, capMs: 400 }, random));
    // Median of 5000 samples lands within ~3% of 80; 10% margin.
    expect(xs[2500]).toBeGreaterThan(72);
    expect(xs[2500]).toBeLessThan(88);
    expect(xs.at(-1)).toBeLessThanOrEqual(400);
    expect(xs.filter((x) => x === 400).length).toBeGreaterThan(0); // e^(0.6*z) > 5 happens for z > 2.7
  });

  it('normal has its mean and never goes below zero; uniform stays in range', () => {
    const random = createPrng(12);
    const normal = draw(5000, () => sampleLatencyMs({ distribution: 'normal', meanMs: 50, stddevMs: 10, capMs: null }, random));
    const mean = normal.reduce((s, x) => s + x, 0) / normal.length;
    expect(Math.abs(mean - 50)).toBeLessThan(1); // standard error is 0.14 ms
    expect(normal[0]).toBeGreaterThanOrEqual(0);
    const uniform = draw(2000, () => sampleLatencyMs({ distribution: 'uniform', minMs: 10, maxMs: 20 }, random));
    expect(uniform[0]).toBeGreaterThanOrEqual(10);
    expect(uniform.at(-1)).toBeLessThanOrEqual(20);
    expect(uniform[1000]).toBeGreaterThan(14);
    expect(uniform[1000]).toBeLessThan(16);
  });
});
