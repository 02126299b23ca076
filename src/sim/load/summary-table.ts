/** Plain-text views of a load run, for `agentup load` and anything else that prints one. */
import type { LoadResult, LoadSecond } from './types.ts';

const ms = (v: number) => (v >= 100 ? `${Math.round(v)}ms` : v >= 10 ? `${v.toFixed(1)}ms` : `${v.toFixed(2)}ms`);
const counts = (c: Record<string, number | undefined>) =>
  Object.entries(c)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${k}: ${n}`)
    .join('  ') || 'none';

export const SECOND_HEADER = `${'t'.padStart(4)} ${'target/s'.padStart(9)} ${'sent'.padStart(7)} ${'ok'.padStart(7)} ${'errors'.padStart(7)} ${'dropped'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}`;

/** One row per second, aligned under SECOND_HEADER. */
export function secondRow(s: LoadSecond): string {
  return `${`${s.t}s`.padStart(4)} ${String(Math.round(s.targetRate)).padStart(9)} ${String(s.sent).padStart(7)} ${String(s.ok).padStart(7)} ${String(s.errors).padStart(7)} ${String(s.dropped).padStart(8)} ${ms(s.p50Ms).padStart(9)} ${ms(s.p99Ms).padStart(9)}`;
}

export function summaryTable(r: LoadResult): string {
  const l = r.latency;
  const rows: Array<[string, string]> = [
    ['requests', `${r.sent} sent, ${r.ok} ok, ${r.failed} failed, ${r.dropped} dropped (over max in flight)`],
    ['rate', `${r.requestedRate.toFixed(1)}/s requested, ${r.achievedRate.toFixed(1)}/s achieved over ${(r.sendDurationMs / 1000).toFixed(1)}s${r.stoppedEarly ? ' (stopped early)' : ''}`],
    ['status', counts(r.byStatus)],
    ['errors', counts(r.byError)],
    ['latency', `p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p99 ${ms(l.p99Ms)}  p99.9 ${ms(l.p999Ms)}  max ${ms(l.maxMs)}`],
  ];
  return [
    `load ${r.method} ${r.url}: ${r.arrival} arrivals, ${r.thread === 'worker' ? 'worker thread' : 'inline'}, seed ${r.seed}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(9)} ${v}`),
    '  (latency counts from each request\'s scheduled send time, so stalls are not hidden)',
  ].join('\n');
}
