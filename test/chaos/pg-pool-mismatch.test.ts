/**
 * Production failure: 3 replicas x a pool of 10 = 30 connections against a
 * Postgres that allows 20 (agentup reserves none for superusers). Idle,
 * nothing shows; under load the pools grow and Postgres refuses the 21st
 * connection with "sorry, too many clients already".
 * Resilient configuration: a pool of 5, so 3 x 5 = 15 always fits; a busy
 * replica queues in its pool instead of failing.
 *
 * Queries are slowed to 200 ms (a busy database) so modest load on a laptop
 * needs the concurrency that makes pools grow. The service runs naive in both
 * variants: retries would hide the refusals as slow answers, and the pool
 * size is what is under test.
 */
import { describe, expect, simulationTest } from '../../src/vitest/index.ts';
import type { Simulation } from '../../src/vitest/index.ts';
import { ENVIRONMENTS } from './support/environment.ts';
import { tickets } from './support/ticket-load.ts';

const PG_ENV = `${ENVIRONMENTS}/pg-pool-mismatch.yaml`;
const oversized = simulationTest(PG_ENV, { env: { PG_POOL_SIZE: '10' } });
const sized = simulationTest(PG_ENV, { env: { PG_POOL_SIZE: '5' } });

const MAX_CONNECTIONS = 20; // environments/pg-pool-mismatch.yaml
const LOAD = tickets(40, '3s');

async function underLoad(sim: Simulation) {
  return sim.withFault(sim.dependency('postgres').latency(200), () => sim.load(LOAD));
}

/** The most connections open through the fault proxy to Postgres in any second so far. */
const peakConnections = (sim: Simulation): number => Math.max(0, ...sim.metrics().map((m) => m.dependencies.postgres?.connections ?? 0));

describe('Postgres pool mismatch', { timeout: 90_000 }, () => {
  oversized('pool 10 x 3 replicas: Postgres refuses connections under load and requests fail', async ({ sim }) => {
    const result = await underLoad(sim);
    expect(result).not.toHaveErrorRateBelow(0.01);
    expect(sim.logs({ text: 'sorry, too many clients already' }).length).toBeGreaterThan(0);
    // The pools grew to every connection Postgres would give them.
    expect(peakConnections(sim)).toBeGreaterThan(3 * 5);
  });

  sized('pool 5 x 3 replicas: the pools fit under max_connections and every request succeeds', async ({ sim }) => {
    const result = await underLoad(sim);
    expect(result).toHaveErrorRateBelow(0.01);
    expect(sim.logs({ text: 'too many clients' })).toEqual([]);
    expect(peakConnections(sim)).toBeLessThanOrEqual(Math.min(3 * 5, MAX_CONNECTIONS));
  });
});
