/**
 * The load generator's worker thread: runs one LoadEngine so a busy main
 * loop (Ink UI, fault proxy, supervisor) cannot delay the schedule, and the
 * generator's work does not delay them. Protocol in worker-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LoadEngine } from './engine.ts';
import { loadBodyModule } from './body-module.ts';
import type { ToParent, ToWorker, WorkerInput } from './worker-protocol.ts';

const PROGRESS_MS = 200;
const port = parentPort!;
const post = (message: ToParent) => port.postMessage(message);
const { load } = workerData as WorkerInput;

try {
  const bodyGenerator = load.body.kind === 'module' ? await loadBodyModule(load.body.path) : undefined;
  // This thread does nothing else, so it may block for sub-millisecond pacing.
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const sleepMs = (ms: number) => void Atomics.wait(cell, 0, 0, ms);
  const engine = new LoadEngine(load, { bodyGenerator }, (second) => post({ type: 'tick', second }), sleepMs);
  const done = engine.run();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') engine.stop();
    else if (message.type === 'setRate') engine.setRate(message.rate);
  });
  const progress = setInterval(() => post({ type: 'progress', snapshot: engine.snapshot() }), PROGRESS_MS);
  try {
    post({ type: 'done', result: await done });
  } finally {
    clearInterval(progress);
  }
} catch (err) {
  const e = err as Error & { hint?: string };
  post({ type: 'error', name: e.name ?? 'Error', message: e.message ?? String(err), hint: e.hint, stack: e.stack });
}
