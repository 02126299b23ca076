import type { ErrorKind, LoadResult, LoadSnapshot } from '../sim/load/index.ts';

/**
 * Part of a load result, by whole seconds since its start (`from` inclusive,
 * `to` exclusive), for asserting on "after the fault" or "during the fault"
 * with the same matchers. Counts are exact (sends by the second they were
 * sent, outcomes by the second they completed); a slice keeps only per-second
 * percentiles, so its p50/p90/p99/max are the worst second's p50, p99, p99,
 * p99: upper bounds of p50 and p99, not exact figures.
 */
export function sliceLoad(result: LoadResult, window: { from?: number; to?: number }): LoadSnapshot {
  const seconds = result.seconds.filter((s) => s.t >= (window.from ?? 0) && s.t < (window.to ?? Infinity));
  const byStatus: Record<string, number> = {};
  const byError: Partial<Record<ErrorKind, number>> = {};
  let sent = 0, ok = 0, errors = 0, dropped = 0, worstP50 = 0, worstP99 = 0, answered = 0;
  for (const s of seconds) {
    sent += s.sent;
    ok += s.ok;
    errors += s.errors;
    dropped += s.dropped;
    worstP50 = Math.max(worstP50, s.p50Ms);
    worstP99 = Math.max(worstP99, s.p99Ms);
    for (const [status, n] of Object.entries(s.byStatus)) {
      byStatus[status] = (byStatus[status] ?? 0) + n;
      answered += n;
    }
    for (const [kind, n] of Object.entries(s.byError) as Array<[ErrorKind, number]>) byError[kind] = (byError[kind] ?? 0) + n;
  }
  const elapsedMs = seconds.length * 1000;
  return {
    elapsedMs,
    currentRate: seconds.at(-1)?.targetRate ?? 0,
    scheduled: sent + dropped,
    // Completions and sends fall in different seconds at a slice's edges; count by outcome, which is what a rate needs.
    sent: ok + errors,
    inFlight: 0,
    ok,
    failed: errors,
    dropped,
    byStatus,
    byError,
    latency: { count: answered, p50Ms: worstP50, p90Ms: worstP99, p99Ms: worstP99, p999Ms: worstP99, maxMs: worstP99, meanMs: worstP50 },
  };
}
