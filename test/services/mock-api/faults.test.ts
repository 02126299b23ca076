import { afterEach, describe, expect, it } from 'vitest';
import type { RunningMockApi } from '../../../src/services/mock-api/index.ts';
import { countBy, sendMany, startInline } from './helpers.ts';

function withFaults(faultsYaml: string, routeExtra = ''): string {
  return `
name: flaky
journal_size: 0
faults:
${faultsYaml}
routes:
  - name: ping
    path: /ping
    body: { ok: true, message: "a body long enough to be cut in half somewhere" }
${routeExtra}
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HTTP faults', { timeout: 60_000 }, () => {
  let api: RunningMockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('an error for a fraction of requests fires at that rate over 2,000 requests', async () => {
    api = await startInline(withFaults(`  - { kind: error, status: 503, fraction: 0.1 }`));
    const fired: string[] = [];
    api.on('fault', (e) => fired.push(e.kind));
    const statuses = countBy(await sendMany(`${api.url}/ping`, 2000));
    // Expect 200; +-60 is 4.5 standard deviations of Binomial(2000, 0.1).
    expect(statuses.get(503)).toBeGreaterThanOrEqual(140);
    expect(statuses.get(503)).toBeLessThanOrEqual(260);
    expect(statuses.get(503)! + statuses.get(200)!).toBe(2000);
    expect(fired).toHaveLength(statuses.get(503)!);
    expect(api.counters().faultsByKind).toEqual({ error: statuses.get(503) });
  });

  it('the same seed repeats the same faults', async () => {
    const yaml = withFaults(`  - { kind: error, status: 500, fraction: 0.3 }`);
    const runs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const a = await startInline(yaml, 1234);
      const seq: number[] = [];
      for (let k = 0; k < 40; k++) seq.push((await fetch(`${a.url}/ping`)).status);
      runs.push(seq.join(','));
      await a.close();
    }
    expect(runs[0]).toBe(runs[1]);
    expect(runs[0]).toContain('500');
  });

  it('every Nth and the first N requests', async () => {
    api = await startInline(withFaults(`  - { kind: error, status: 502, every_nth: 10 }\n  - { kind: error, status: 504, first_n: 5 }`));
    const statuses = await sendMany(`${api.url}/ping`, 2000, 1);
    expect(statuses.slice(0, 5)).toEqual([504, 504, 504, 504, 504]);
    // Requests 10, 20, ... hit every_nth: 200 of 2000, all after the first five.
    expect(countBy(statuses)).toEqual(new Map([[504, 5], [200, 1795], [502, 200]]));
    expect(statuses[9]).toBe(502);
  });

  it('an outage window from the fixture', async () => {
    api = await startInline(withFaults(`  - { kind: error, status: 503, window: { start_after: 400ms, duration: 600ms } }`));
    const t0 = performance.now();
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
    await sleep(700 - (performance.now() - t0)); // 300 ms inside a 600 ms window: margin both sides
    expect((await fetch(`${api.url}/ping`)).status).toBe(503);
    await sleep(1300 - (performance.now() - t0)); // 300 ms after the window ended
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
  });

  it('an empty reply closes the connection without a response', async () => {
    api = await startInline(withFaults(`  - { kind: empty_reply }`));
    await expect(fetch(`${api.url}/ping`)).rejects.toThrow();
    expect(api.counters().byStatus).toEqual({ 0: 1 });
  });

  it('a reset mid-body delivers half the body, then fails', async () => {
    api = await startInline(withFaults(`  - { kind: reset_mid_body }`));
    const res = await fetch(`${api.url}/ping`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('malformed JSON is a valid 200 with a body that does not parse', async () => {
    api = await startInline(withFaults(`  - { kind: malformed_json }`));
    const res = await fetch(`${api.url}/ping`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"ok":true')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('a truncated stream stops half way without the end of the body', async () => {
    api = await startInline(withFaults(`  - { kind: truncated_stream }`));
    const res = await fetch(`${api.url}/ping`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('a slow first byte delays the headers', async () => {
    api = await startInline(withFaults(`  - { kind: slow_first_byte, delay_ms: 300 }`));
    const t0 = performance.now();
    const res = await fetch(`${api.url}/ping`);
    // 20 ms early margin for timer granularity; no upper bound on a busy machine.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('route faults apply to their route only', async () => {
    api = await startInline(withFaults('  []', `  - name: flaky_route\n    path: /flaky\n    faults: [{ kind: error, status: 500 }]\n    body: {}`));
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
    expect((await fetch(`${api.url}/flaky`)).status).toBe(500);
  });
});

describe('live control applies to the next request', { timeout: 60_000 }, () => {
  let api: RunningMockApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('outage on and off', async () => {
    api = await startInline(withFaults('  []'));
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
    api.setOutage(true);
    const down = await fetch(`${api.url}/ping`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 503 });
    api.setOutage({ status: 502, body: 'bad gateway' });
    const custom = await fetch(`${api.url}/ping`);
    expect([custom.status, await custom.text()]).toEqual([502, 'bad gateway']);
    api.setOutage(false);
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
    expect(api.counters().faultsByKind).toEqual({ outage: 2 });
  });

  it('error rate set, measured over 2,000 requests, and cleared', async () => {
    api = await startInline(withFaults('  []'));
    api.setErrorRate(0.5, 502);
    const statuses = countBy(await sendMany(`${api.url}/ping`, 2000));
    // Expect 1000; +-100 is 4.5 standard deviations of Binomial(2000, 0.5).
    expect(statuses.get(502)).toBeGreaterThanOrEqual(900);
    expect(statuses.get(502)).toBeLessThanOrEqual(1100);
    api.setErrorRate(0);
    expect(countBy(await sendMany(`${api.url}/ping`, 200))).toEqual(new Map([[200, 200]]));
    expect(() => api!.setErrorRate(1.5)).toThrow(/not a fraction/);
  });

  it('clearFaults turns off fixture faults; restoreFixtureFaults brings them back', async () => {
    api = await startInline(withFaults(`  - { kind: error, status: 500 }`));
    expect((await fetch(`${api.url}/ping`)).status).toBe(500);
    api.clearFaults();
    expect((await fetch(`${api.url}/ping`)).status).toBe(200);
    api.restoreFixtureFaults();
    expect((await fetch(`${api.url}/ping`)).status).toBe(500);
  });
});
