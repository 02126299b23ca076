import type { MetricsSecond } from '../sim/metrics.ts';
import type { ObjectiveResult } from './journal.ts';
import { measureWindow } from './measure.ts';
import { evaluate, formatValue } from './objective.ts';
import type { Action } from './types.ts';

type Expect = Extract<Action, { type: 'expect' }>;
export type TimedSecond = { tMs: number; second: MetricsSecond };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the live per-second figures from `startMs` on. `within`: passes at
 * the first full window that meets the objective. `for`: every full window
 * inside the span must meet it. A window is the last `windowMs` of metrics
 * seconds that began after the checkpoint started; seconds without traffic
 * are no evidence either way and are skipped.
 */
export async function watchCheckpoint(expect: Expect, startMs: number, series: () => readonly TimedSecond[], now: () => number, stopped: () => boolean): Promise<ObjectiveResult> {
  const size = Math.round(expect.windowMs / 1000);
  const spanMs = expect.withinMs ?? expect.forMs!;
  const base = { id: `expect ${expect.name}`, scope: 'expect' as const, name: expect.name, text: `${expect.objective.text} ${expect.withinMs !== undefined ? 'within' : 'for'} ${spanMs / 1000}s`, metric: expect.objective.metric };
  let last: { measured: number; threshold: number; atMs: number } | null = null;
  let seen = 0;
  for (;;) {
    // A second (ts = its end) counts once it started after the checkpoint did.
    const inside = series().filter((s) => s.tMs - 1000 >= startMs - 100 && s.tMs <= startMs + spanMs + 100 && s.second.overall.rps > 0);
    while (seen + size <= inside.length) {
      seen++;
      const window = inside.slice(seen - 1, seen - 1 + size);
      const verdict = evaluate(expect.objective, measureWindow(window.map((w) => w.second)));
      const atMs = window[window.length - 1]!.tMs;
      last = { measured: verdict.measured, threshold: verdict.threshold, atMs };
      const detail = `${formatValue(expect.objective.metric, verdict.measured)} over ${size}s ending at ${(atMs / 1000).toFixed(0)}s (bound ${formatValue(expect.objective.metric, verdict.threshold)})`;
      if (expect.withinMs !== undefined && verdict.passed) return { ...base, passed: true, measured: verdict.measured, threshold: verdict.threshold, atMs, detail };
      if (expect.forMs !== undefined && !verdict.passed) return { ...base, passed: false, measured: verdict.measured, threshold: verdict.threshold, atMs, detail };
    }
    if (now() > startMs + spanMs + 1500 || stopped()) break;
    await sleep(250);
  }
  if (expect.forMs !== undefined && last) {
    return { ...base, passed: true, ...last, detail: `held in every ${size}s window for ${spanMs / 1000}s (last ${formatValue(expect.objective.metric, last.measured)})` };
  }
  return {
    ...base,
    passed: false,
    ...(last ?? {}),
    detail: last ? `not met within ${spanMs / 1000}s; last window ${formatValue(expect.objective.metric, last.measured)} (bound ${formatValue(expect.objective.metric, last.threshold)})` : `no traffic to judge within ${spanMs / 1000}s`,
  };
}
