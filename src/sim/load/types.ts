/**
 * Public shapes of the open-model load generator. Everything that crosses
 * the worker boundary (NormalisedLoad, LoadSecond, LoadSnapshot, LoadResult)
 * is plain data so it survives structured clone.
 */

/** Hold `rate` for `for`, or move linearly from the previous rate to `rampTo` over `for`. */
export type LoadStage =
  | { rate: number; for: string | number }
  | { rampTo: number; for: string | number }
  | { ramp_to: number; for: string | number };

/** Builds the body of request `i` (0-based); `random` is seeded by `seed`. */
export type BodyGenerator = (i: number, random: () => number) => string | Uint8Array | object;

export interface LoadOptions {
  /** Request path; default '/'. */
  path?: string;
  /** Default GET, or POST when there is a body. */
  method?: string;
  headers?: Record<string, string>;
  /** A string/bytes is sent as is; an object as JSON; a function runs per request (inline only). */
  body?: string | Uint8Array | object | BodyGenerator;
  /**
   * A module whose default (or `body`) export is a BodyGenerator. Unlike a
   * function, a module path can cross into the worker thread.
   */
  bodyModule?: string;
  /** Requests per second, with `duration`; or use `stages`. */
  rate?: number;
  duration?: string | number;
  stages?: LoadStage[];
  /** 'constant' (evenly spaced, default) or 'poisson' (seeded exponential gaps). */
  arrival?: 'constant' | 'poisson';
  /**
   * Concurrency cap. An arrival that finds this many requests in flight is
   * counted as `dropped` and never sent: an open model must not delay it, or a
   * slow service would slow the load down and hide itself. Default 1000.
   */
  maxInFlight?: number;
  /** Per request, from the moment it is handed to a connection; default 10 s. */
  timeoutMs?: number;
  /** Statuses that count as success: a list, or a predicate (inline only). Default 200-399. */
  expectStatus?: number[] | ((status: number) => boolean);
  /** 'auto' (default): a worker thread unless a function option forces inline. */
  thread?: 'auto' | 'worker' | 'inline';
}

export interface RunLoadOptions extends LoadOptions {
  /** Base URL of the target; loopback hosts only. */
  url: string;
  signal?: AbortSignal;
  seed?: number;
  /** Called once per second of the run with that second, and once for the last partial second. */
  onTick?: (second: LoadSecond) => void;
}

export type ErrorKind = 'timeout' | 'econnrefused' | 'econnreset' | 'other';

/** One second of the run. Sends are bucketed by when they were sent, outcomes by when they completed. */
export interface LoadSecond {
  /** Seconds since the start (0 = first second). */
  t: number;
  /** The schedule's rate at the start of this second. */
  targetRate: number;
  sent: number;
  ok: number;
  /** Responses that did not match expectStatus plus transport errors. */
  errors: number;
  dropped: number;
  /** Sends per second over this second (the last one may be partial). */
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  byStatus: Record<string, number>;
  byError: Partial<Record<ErrorKind, number>>;
}

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Running totals. */
export interface LoadSnapshot {
  elapsedMs: number;
  currentRate: number;
  scheduled: number;
  sent: number;
  inFlight: number;
  ok: number;
  failed: number;
  dropped: number;
  byStatus: Record<string, number>;
  byError: Partial<Record<ErrorKind, number>>;
  latency: LatencyFigures;
}

export interface LoadResult extends LoadSnapshot {
  url: string;
  method: string;
  path: string;
  thread: 'worker' | 'inline';
  arrival: 'constant' | 'poisson';
  seed: number;
  /** Wall clock at the start (ms since epoch). */
  startedAt: number;
  /** Length of the schedule as planned. */
  plannedDurationMs: number;
  /** From the start to the end of sending (stop() or the schedule's end). */
  sendDurationMs: number;
  /** Arrivals the schedule planned per second on average over what ran. */
  requestedRate: number;
  /** sent / sendDurationMs. */
  achievedRate: number;
  stoppedEarly: boolean;
  seconds: LoadSecond[];
  /** The whole latency histogram, HdrHistogram compressed base64 (microseconds), for merging. */
  histogram: string;
}

export interface LoadHandle {
  readonly done: Promise<LoadResult>;
  /** Ends sending now; in-flight requests finish (or time out); `done` then resolves. */
  stop(): void;
  /** Constant `rate` from now until the planned end, replacing the rest of the stages. */
  setRate(rate: number): void;
  /** Running totals; in a worker, as of its latest progress message (every 200 ms). */
  snapshot(): LoadSnapshot;
}
