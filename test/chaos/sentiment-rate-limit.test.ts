/**
 * Production failure: a third-party sentiment API has a rate limit that is in
 * none of its docs (a burst of 20, then 2 a second) and refuses with a bare
 * 429. The naive service turns every refusal into a 500 for its own users.
 * Resilient build: retries with exponential backoff and jitter, then falls
 * back to local rules and answers `degraded: true`.
 */
import { describe, expect, simulationTest } from '../../src/vitest/index.ts';
import { SUPPORT_AGENT } from './support/environment.ts';
import { tickets } from './support/ticket-load.ts';

const naive = simulationTest(SUPPORT_AGENT, { env: { TRIAGE_RESILIENCE: 'naive' } });
const resilient = simulationTest(SUPPORT_AGENT, { env: { TRIAGE_RESILIENCE: 'resilient' } });

// 40 tickets in 4 s: twice the burst the API lets through.
const LOAD = tickets(10, '4s');

describe("the sentiment API's undocumented rate limit", { timeout: 90_000 }, () => {
  naive('naive: each 429 from the API becomes a 500 for the user', async ({ sim }) => {
    const result = await sim.load(LOAD);
    expect(sim).toHaveEvent('rate_limited', { api: 'sentiment', limit: 'undocumented_burst' });
    expect(result).not.toHaveErrorRateBelow(0.01);
    // No retries: the API saw one call per ticket, and every refusal reached a user.
    const api = sim.api('sentiment').counters();
    expect(api.requests).toBe(result.sent);
    expect(result.byStatus['500']).toBe(api.rateLimited);
  });

  resilient('resilient: backoff and a local fallback keep every answer a success, within 3 s', async ({ sim }) => {
    const result = await sim.load(LOAD);
    expect(sim).toHaveEvent('rate_limited', { api: 'sentiment' });
    expect(result).toHaveErrorRateBelow(0.01);
    // Graceful, not free: retries cost time (measured p99 ~1 s idle; 3 s leaves room for a busy machine).
    expect(result).toHaveLatencyBelow({ p99: '3s' });
    const api = sim.api('sentiment').counters();
    expect(api.requests).toBeGreaterThan(result.sent); // it retried
    const fallbacks = sim.logs({ text: '"dependency":"sentiment"' }).filter((l) => l.fields?.fallback === true);
    expect(fallbacks.length).toBeGreaterThan(0);
  });
});
