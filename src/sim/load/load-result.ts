import type { NormalisedLoad } from './options.ts';
import type { Recorder } from './recorder.ts';
import type { LoadResult, LoadSnapshot } from './types.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

export interface RunFacts {
  startedAt: number;
  plannedDurationMs: number;
  /** The schedule's end (earlier than planned after stop()) and the arrivals it held. */
  endMs: number;
  total: number;
  lastSendMs: number;
  stoppedEarly: boolean;
  recorder: Recorder;
}

/** The final result of a run, from its last snapshot and what the engine knows of the run. */
export function loadResult(load: NormalisedLoad, snap: LoadSnapshot, run: RunFacts): LoadResult {
  // A send the timer delivered just after the schedule's end still counts within the run.
  const sendDurationMs = Math.max(run.endMs, run.lastSendMs);
  return {
    ...snap,
    url: `${load.origin}${load.path}`,
    method: load.method,
    path: load.path,
    thread: 'inline',
    arrival: load.arrival,
    seed: load.seed,
    startedAt: run.startedAt,
    plannedDurationMs: run.plannedDurationMs,
    sendDurationMs,
    requestedRate: run.endMs > 0 ? round2((run.total * 1000) / run.endMs) : 0,
    achievedRate: sendDurationMs > 0 ? round2((snap.sent * 1000) / sendDurationMs) : 0,
    stoppedEarly: run.stoppedEarly,
    seconds: run.recorder.seconds,
    histogram: run.recorder.encodedHistogram(),
  };
}
