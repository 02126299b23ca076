/**
 * The shared set-up of the sample-service test files: a real redis-server and
 * Postgres for the whole file (the tickets table created by a first agent, so
 * tests can run in any order), agents and other resources stopped after each
 * test in reverse order, the servers after the file.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type pg from 'pg';
import { startRedis, startTestPostgres, type TestPostgres, type TestRedis } from './triage-deps.ts';
import { startAgent, type TriageAgent } from './triage-agent.ts';

export interface TriageSuite {
  readonly redis: TestRedis;
  readonly postgres: TestPostgres;
  /** Runs after the current test, before the ones registered earlier. */
  cleanup(fn: () => Promise<unknown>): void;
  /** An agent on this suite's Redis and Postgres, stopped after the test. */
  agent(env?: Record<string, string>): Promise<TriageAgent>;
  /** A client on a database of this suite's Postgres, closed after the test. */
  db(database?: string): Promise<pg.Client>;
  /** Holds EXCLUSIVE on tickets (INSERTs wait, SELECTs do not) until the returned release(). */
  lockTickets(): Promise<() => Promise<void>>;
}

export function useTriageSuite(databases: string[] = ['triage']): TriageSuite {
  let redis: TestRedis | undefined;
  let postgres: TestPostgres | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startTestPostgres(databases)]);
    const first = await startAgent({ DATABASE_URL: postgres.url(), REDIS_URL: redis.url });
    await first.stop();
  }, 90_000);

  afterEach(async () => {
    // Reverse order: agents stop before the servers they talk to.
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  });

  afterAll(async () => {
    await Promise.allSettled([redis?.stop(), postgres?.stop()]);
  });

  const suite: TriageSuite = {
    get redis() {
      if (!redis) throw new Error('the triage suite has not started yet (use it inside a test)');
      return redis;
    },
    get postgres() {
      if (!postgres) throw new Error('the triage suite has not started yet (use it inside a test)');
      return postgres;
    },
    cleanup: (fn) => void cleanups.push(fn),
    async agent(env = {}) {
      const a = await startAgent({ DATABASE_URL: suite.postgres.url(), REDIS_URL: suite.redis.url, ...env });
      cleanups.push(() => a.stop());
      return a;
    },
    async db(database) {
      const c = await suite.postgres.client(database);
      cleanups.push(() => c.end());
      return c;
    },
    async lockTickets() {
      const c = await suite.db(); // closed after the test even if the test never releases
      await c.query('BEGIN');
      await c.query('LOCK TABLE tickets IN EXCLUSIVE MODE');
      return async () => void (await c.query('COMMIT'));
    },
  };
  return suite;
}
