import { describe, expect, simulationTest } from '../../src/vitest/index.ts';
import { failureOf, HELLO_ENV } from './support.ts';

const test = simulationTest(HELLO_ENV, { dir: process.cwd() });

describe('toHaveErrorRateBelow and toHaveLatencyBelow on real load results', { timeout: 60_000 }, () => {
  test('a healthy endpoint passes both; .not says what it measured', async ({ sim }) => {
    const result = await sim.load({ path: '/healthz', rate: 50, duration: '1s' });
    expect(result.sent).toBeGreaterThan(40); // 50/s for 1 s, margin for the schedule's edges
    expect(result).toHaveErrorRateBelow(0.01);
    expect(result).toHaveLatencyBelow({ p50: 1000, p99: '2s', max: 5000 });
    expect(failureOf(() => expect(result).not.toHaveErrorRateBelow(0.01))).toBe(
      `expected an error rate of at least 1%, measured 0%: 0 of ${result.sent} requests failed`,
    );
  });

  test('every answer a 500: the message counts them by status', async ({ sim }) => {
    const result = await sim.load({ path: '/status?code=500', rate: 20, duration: '1s' });
    expect(result.failed).toBe(result.sent);
    expect(failureOf(() => expect(result).toHaveErrorRateBelow(0.05))).toBe(
      `expected an error rate below 5%, measured 100%: ${result.sent} of ${result.sent} requests failed (${result.sent}x 500)`,
    );
    expect(result).not.toHaveErrorRateBelow(0.5);
  });

  test('a slow endpoint fails a tight latency limit, naming the percentile, the figure and the limit', async ({ sim }) => {
    const result = await sim.load({ path: '/slow?ms=150', rate: 10, duration: '1s' });
    expect(result.latency.p50Ms).toBeGreaterThanOrEqual(150);
    const p50 = Math.round(result.latency.p50Ms);
    const message = failureOf(() => expect(result).toHaveLatencyBelow({ p50: 100, max: 60_000 }));
    expect(message).toMatch(new RegExp(`^expected latency below p50 100ms, max 60000ms, measured p50 ${p50}ms \\(limit 100ms\\); p50 ${p50}ms, p90 \\d+ms, p99 \\d+ms, max \\d+ms over ${result.latency.count} responses$`));
    expect(result).not.toHaveLatencyBelow({ p50: 100 });
    expect(result).toHaveLatencyBelow({ p50: 5000 });
  });

  test('timed-out requests count as slower than any limit', async ({ sim }) => {
    const result = await sim.load({ path: '/slow?ms=3000', rate: 5, duration: '1s', timeoutMs: 300 });
    const timeouts = result.byError.timeout ?? 0;
    expect(timeouts).toBeGreaterThan(0);
    expect(failureOf(() => expect(result).toHaveLatencyBelow({ max: 60_000 }))).toBe(
      `expected latency below max 60000ms, measured max over the request timeout (limit 60000ms); p50 0ms, p90 0ms, p99 0ms, max 0ms over 0 responses, ${timeouts} timed out`,
    );
    expect(result).not.toHaveErrorRateBelow(0.5);
  });

  test('a value that is not a load result is a TypeError, not a silent pass', () => {
    expect(() => expect({ sent: 3 }).toHaveErrorRateBelow(0.1)).toThrow(/expects a LoadResult/);
  });
});
