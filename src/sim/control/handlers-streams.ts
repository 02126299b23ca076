import type { SimEvent } from '../events.ts';
import type { LoadSecond } from '../load/index.ts';
import type { MetricsSecond } from '../metrics.ts';
import type { LogLine } from '../../services/log-lines.ts';
import { HANDLED, type Call, type LoadBusEvents } from './context.ts';
import { ControlError } from './http-util.ts';
import { SseStream } from './sse.ts';

/*
 * Each stream first replays what the simulation already holds, then sends
 * `synced`, then follows live. Replay and subscription happen in one
 * synchronous step, so nothing falls between them.
 */

function open(call: Call, unsubscribe: () => void): SseStream {
  const stream = new SseStream(call.res, () => {
    unsubscribe();
    call.ctx.streams.delete(stream);
  });
  call.ctx.streams.add(stream);
  return stream;
}

/** `GET /events?since=N`: events with `id` = their 1-based sequence number, plus load ticks, progress and results. */
export async function eventsStream(call: Call): Promise<typeof HANDLED> {
  const { sim, bus } = call.ctx;
  const since = Number(call.query.get('since') ?? 0);
  if (!Number.isInteger(since) || since < 0) throw new ControlError(400, `since ${JSON.stringify(call.query.get('since'))} must be a whole number`);
  const onEvent = (e: SimEvent) => stream.send('event', e, sim.events().length);
  const onLoad = (s: LoadSecond) => stream.send('load', s);
  const onProgress = (p: LoadBusEvents['load_progress'][0]) => stream.send('load_progress', p);
  const onDone = (d: LoadBusEvents['load_done'][0]) => stream.send('load_done', d);
  const stream = open(call, () => {
    sim.off('event', onEvent);
    sim.off('load', onLoad);
    bus.off('load_progress', onProgress);
    bus.off('load_done', onDone);
  });
  const history = sim.events();
  for (let i = since; i < history.length; i++) stream.send('event', history[i], i + 1);
  stream.send('synced', { seq: history.length });
  sim.on('event', onEvent);
  sim.on('load', onLoad);
  bus.on('load_progress', onProgress);
  bus.on('load_done', onDone);
  return HANDLED;
}

/** `GET /logs`: the buffered lines, then every new one (already redacted by the simulation). */
export async function logsStream(call: Call): Promise<typeof HANDLED> {
  const { sim } = call.ctx;
  const onLog = (l: LogLine) => stream.send('log', l);
  const stream = open(call, () => sim.off('log', onLog));
  for (const line of sim.logs()) stream.send('log', line);
  stream.send('synced', {});
  sim.on('log', onLog);
  return HANDLED;
}

/** `GET /metrics/stream`: the per-second series so far, then one `metrics` event a second. */
export async function metricsStream(call: Call): Promise<typeof HANDLED> {
  const { sim } = call.ctx;
  const onMetrics = (m: MetricsSecond) => stream.send('metrics', m);
  const stream = open(call, () => sim.off('metrics', onMetrics));
  for (const second of sim.metrics()) stream.send('metrics', second);
  stream.send('synced', {});
  sim.on('metrics', onMetrics);
  return HANDLED;
}
