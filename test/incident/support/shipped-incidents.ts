import { readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

/** The incident library of issue #7; other incidents in the folder have their own tests. */
export const SHIPPED = ['db-pool-mismatch', 'llm-outage', 'memory-leak-under-load', 'redis-latency-spike', 'replica-crash-loop', 'sentiment-rate-limit', 'slow-network'];

/** Every incident file in environments/incidents/, by name (no .yaml). */
export const INCIDENT_FILES = readdirSync(path.join(REPO_ROOT, 'environments/incidents'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/**
 * CI replays the same files shortened with --time-scale. A fifth of their
 * length unless the story needs physical time that does not scale: a leak
 * needs ~18 s at 20 requests/s to reach the 256 MB limit, and a 7 s INSERT
 * on the choppy link must fit inside the fault.
 */
const TIME_SCALE: Record<string, number> = { 'memory-leak-under-load': 0.7, 'slow-network': 0.5 };
export const timeScaleOf = (name: string): number => TIME_SCALE[name] ?? 0.2;

/**
 * The objective that must fail against the naive service: the one the
 * incident is about, so a naive run that fails for another reason (a
 * rate-limited API, a slow start) does not count.
 */
export const NAIVE_FAILS: Record<string, string> = {
  'db-pool-mismatch': 'expect no-errors-at-peak',
  'llm-outage': 'expect keeps-answering',
  'memory-leak-under-load': 'expect no-outage',
  'redis-latency-spike': 'expect fast-during-spike',
  'replica-crash-loop': 'phase customers: error_rate < 1%',
  'sentiment-rate-limit': 'phase burst: error_rate < 1%',
  'slow-network': 'phase steady: p99 < 4s',
};
