import { nowMs, TimedQueue } from './clock.ts';
import type { Chunk, ToxicKind } from './types.ts';

/**
 * Limits one link to `rate` KB/s (KB = 1000 bytes). Like Toxiproxy, each chunk
 * adds len/rate ms of debt; chunks bigger than 100 ms worth leave in 100 ms
 * slices; lateness of a wait is subtracted from the debt so the average holds.
 */
export const bandwidth: ToxicKind = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', goType: 'int64' }],
  pipe(attrs, out) {
    const rate = attrs.rate ?? 0;
    const sliceBytes = rate * 100;
    let debtMs = 0;
    let planned: Chunk | undefined;
    let dueMs = 0;
    let startMs = 0;
    const plan = (chunk: Chunk, fresh: boolean): void => {
      planned = chunk;
      if (fresh) debtMs += chunk.data.length / rate;
      const now = nowMs();
      if (chunk.data.length > sliceBytes) dueMs = now + 100;
      else {
        startMs = now;
        dueMs = now + debtMs;
      }
    };
    const queue = new TimedQueue(
      (head) => {
        if (rate <= 0) return null;
        if (head !== planned) plan(head, true);
        return dueMs;
      },
      (head) => {
        if (rate <= 0) {
          out.push(head);
          return null;
        }
        if (head.data.length > sliceBytes) {
          out.push({ data: head.data.subarray(0, sliceBytes), readAtMs: head.readAtMs });
          debtMs -= 100;
          const rest = { data: head.data.subarray(sliceBytes), readAtMs: head.readAtMs };
          plan(rest, false);
          return rest;
        }
        debtMs -= nowMs() - startMs;
        planned = undefined;
        out.push(head);
        return null;
      },
      () => out.end(),
    );
    return queue.asPipe(() => {
      planned = undefined;
    });
  },
};
