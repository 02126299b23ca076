import { TimedQueue } from './clock.ts';
import type { Chunk, ToxicKind } from './types.ts';

/**
 * Every chunk leaves `latency` +/- `jitter` ms after it was read (not after the
 * previous chunk left), so throughput is kept. The chunk's time becomes its due
 * time, so a second latency toxic adds its delay on top.
 */
export const latency: ToxicKind = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  pipe(attrs, out) {
    const latencyMs = attrs.latency ?? 0;
    const jitterMs = attrs.jitter ?? 0;
    // Toxiproxy: delay += rand.Int63n(jitter*2) - jitter, a whole number of ms.
    const delayMs = (): number =>
      jitterMs > 0 ? latencyMs + Math.floor(out.random() * jitterMs * 2) - jitterMs : latencyMs;
    let planned: Chunk | undefined;
    let dueMs = 0;
    const queue = new TimedQueue(
      (head) => {
        if (head !== planned) {
          planned = head;
          dueMs = head.readAtMs + delayMs();
        }
        return dueMs;
      },
      (head) => {
        planned = undefined;
        out.push({ data: head.data, readAtMs: Math.max(head.readAtMs, dueMs) });
        return null;
      },
      () => out.end(),
    );
    return queue.asPipe(() => {
      planned = undefined;
    });
  },
};
