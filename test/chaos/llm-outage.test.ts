/**
 * Production failure: the LLM provider is down (every call answers 503).
 * The naive service fails every ticket with it.
 * Resilient build: a few retries with backoff, then the keyword rules answer
 * (`degraded: true`); when the LLM is back, answers are whole again.
 */
import { describe, expect, simulationTest } from '../../src/vitest/index.ts';
import { sendTicket } from '../support/triage-client.ts';
import { SUPPORT_AGENT } from './support/environment.ts';
import { tickets } from './support/ticket-load.ts';

const naive = simulationTest(SUPPORT_AGENT, { env: { TRIAGE_RESILIENCE: 'naive' } });
const resilient = simulationTest(SUPPORT_AGENT, { env: { TRIAGE_RESILIENCE: 'resilient' } });

// 12 tickets, plus a few single ones: within the sentiment API's burst of 20.
const LOAD = tickets(4, '3s');

describe('the LLM API is down', { timeout: 90_000 }, () => {
  naive('naive: every ticket fails with the LLM', async ({ sim }) => {
    const result = await sim.withFault(sim.api('llm').outage(), () => sim.load(LOAD));
    expect(result).not.toHaveErrorRateBelow(0.5);
    expect(result.byStatus['500']).toBe(result.sent);
  });

  resilient('resilient: every ticket gets the fallback answer, and full answers return with the LLM', async ({ sim }) => {
    const lb = sim.endpoints().loadBalancer!;
    const outage = await sim.api('llm').outage();
    try {
      const result = await sim.load(LOAD);
      expect(result).toHaveErrorRateBelow(0.01);
      // Retries before the fallback cost time (measured p99 ~1.2 s idle; margin for a busy machine).
      expect(result).toHaveLatencyBelow({ p99: '4s' });
      const reply = await sendTicket(lb);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ degraded: true, category: expect.any(String) });
    } finally {
      await outage.remove();
    }
    await expect.poll(async () => (await sendTicket(lb)).body?.degraded, { timeout: 10_000, interval: 500 }).toBe(false);
  });
});
