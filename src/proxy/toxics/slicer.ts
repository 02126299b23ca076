import { nowMs, TimedQueue } from './clock.ts';
import type { ToxicKind } from './types.ts';

/**
 * Offsets that cut [start, end) by repeated halving into pieces of about
 * averageSize +/- sizeVariation bytes (Toxiproxy's SlicerToxic.chunk), with
 * guards where Go would panic or recurse forever (variation 0, size 0).
 */
export function sliceOffsets(
  start: number,
  end: number,
  averageSize: number,
  sizeVariation: number,
  random: () => number,
): number[] {
  if (end - start <= 1 || end - start - averageSize <= sizeVariation) return [start, end];
  const wobble = sizeVariation > 0 ? Math.floor(random() * sizeVariation * 2) - sizeVariation : 0;
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + wobble));
  return [
    ...sliceOffsets(start, mid, averageSize, sizeVariation, random),
    ...sliceOffsets(mid, end, averageSize, sizeVariation, random),
  ];
}

/** Cuts chunks into small pieces with `delay` microseconds after each piece. */
export const slicer: ToxicKind = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  pipe(attrs, out) {
    const averageSize = attrs.average_size ?? 0;
    const sizeVariation = attrs.size_variation ?? 0;
    const delayMs = (attrs.delay ?? 0) / 1000;
    let lastPieceAtMs = -Infinity;
    const queue = new TimedQueue(
      () => (delayMs > 0 ? lastPieceAtMs + delayMs : null),
      (head) => {
        out.push(head);
        lastPieceAtMs = nowMs();
        return null;
      },
      () => out.end(),
    );
    const pipe = queue.asPipe();
    return {
      write(chunk) {
        const cuts = sliceOffsets(0, chunk.data.length, averageSize, sizeVariation, () => out.random());
        for (let i = 1; i < cuts.length; i += 2) {
          queue.write({ data: chunk.data.subarray(cuts[i - 1], cuts[i]), readAtMs: chunk.readAtMs });
        }
      },
      end: pipe.end,
      drain: pipe.drain,
      heldBytes: pipe.heldBytes,
    };
  },
};
