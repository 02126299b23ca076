/**
 * Entry points of the load generator. By default the engine runs in a worker
 * thread: on a 2-core machine a busy main loop would otherwise delay sends
 * (and inflate latency), and a busy generator would starve the simulation.
 * A body given as a function, or expectStatus as a predicate, cannot cross
 * threads, so those runs go inline on the calling thread; pass `bodyModule`
 * (a file exporting the generator) to keep a generated body in the worker.
 */
import { Worker } from 'node:worker_threads';
import { AgentupError, BugError } from '../../errors.ts';
import { loadBodyModule } from './body-module.ts';
import { LoadEngine } from './engine.ts';
import { MAX_RATE, normaliseLoad, type NormalisedLoad } from './options.ts';
import type { LoadHandle, LoadResult, LoadSnapshot, RunLoadOptions } from './types.ts';
import type { ToParent, ToWorker, WorkerInput } from './worker-protocol.ts';

function checkRate(rate: number): void {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
    throw new AgentupError(`setRate needs requests per second from 0 to ${MAX_RATE}, got ${JSON.stringify(rate)}`, { hint: `use a rate up to ${MAX_RATE}/s` });
  }
}

function emptySnapshot(load: NormalisedLoad): LoadSnapshot {
  return {
    elapsedMs: 0, currentRate: load.segments[0]?.fromRate ?? 0, scheduled: 0, sent: 0, inFlight: 0, ok: 0, failed: 0, dropped: 0,
    byStatus: {}, byError: {}, latency: { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, meanMs: 0 },
  };
}

/** Starts a run and returns at once; throws AgentupError for bad options before sending anything. */
export function startLoad(options: RunLoadOptions): LoadHandle {
  const { load, inline } = normaliseLoad(options);
  const needsInline = inline.bodyGenerator !== undefined || inline.statusPredicate !== undefined;
  const thread = options.thread ?? 'auto';
  if (thread === 'worker' && needsInline) {
    throw new AgentupError('a body or expectStatus given as a function cannot run in a worker thread', {
      hint: "use thread: 'inline', or put the body generator in a module and pass bodyModule",
    });
  }
  const handle = thread === 'inline' || needsInline ? startInline(load, inline, options) : startWorker(load, options);
  if (options.signal) {
    if (options.signal.aborted) handle.stop();
    else options.signal.addEventListener('abort', () => handle.stop(), { once: true });
  }
  return handle;
}

/** Runs the load to the end (or until `signal` aborts) and returns the result. */
export async function runLoad(options: RunLoadOptions): Promise<LoadResult> {
  return startLoad(options).done;
}

function startInline(load: NormalisedLoad, inline: ReturnType<typeof normaliseLoad>['inline'], options: RunLoadOptions): LoadHandle {
  let engine: LoadEngine | null = null;
  let stopped = false;
  const pendingRate: number[] = [];
  const done = (async () => {
    const bodyGenerator = inline.bodyGenerator ?? (load.body.kind === 'module' ? await loadBodyModule(load.body.path) : undefined);
    engine = new LoadEngine(load, { ...inline, bodyGenerator }, (s) => options.onTick?.(s));
    const running = engine.run();
    for (const rate of pendingRate) engine.setRate(rate);
    if (stopped) engine.stop();
    return { ...(await running), thread: 'inline' as const };
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      engine?.stop();
    },
    setRate: (rate) => {
      checkRate(rate);
      if (engine) engine.setRate(rate);
      else pendingRate.push(rate);
    },
    snapshot: () => engine?.snapshot() ?? emptySnapshot(load),
  };
}

function startWorker(load: NormalisedLoad, options: RunLoadOptions): LoadHandle {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { load } satisfies WorkerInput });
  let latest = emptySnapshot(load);
  let settled = false;
  const send = (message: ToWorker) => {
    if (!settled) worker.postMessage(message);
  };
  const done = new Promise<LoadResult>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: ToParent) => {
      if (message.type === 'tick') options.onTick?.(message.second);
      else if (message.type === 'progress') latest = message.snapshot;
      else if (message.type === 'done') {
        latest = message.result;
        finish(() => resolve({ ...message.result, thread: 'worker' }));
      } else {
        const err = message.name === 'AgentupError' ? new AgentupError(message.message, { hint: message.hint }) : new BugError(`load worker failed: ${message.message}`);
        if (message.stack && message.name !== 'AgentupError') err.stack = message.stack;
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(new BugError(`load worker crashed: ${err.message}`, { cause: err }))));
    worker.on('exit', (code) => finish(() => reject(new BugError(`load worker exited with code ${code} before finishing`))));
  });
  return {
    done,
    stop: () => send({ type: 'stop' }),
    setRate: (rate) => {
      checkRate(rate);
      send({ type: 'setRate', rate });
    },
    snapshot: () => latest,
  };
}
