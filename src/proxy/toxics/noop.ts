import type { ToxicKind, ToxicOutput, ToxicPipe } from './types.ts';

/** Passes everything; also what a toxic becomes on a link where its toxicity roll lost. */
export function passThrough(out: ToxicOutput): ToxicPipe {
  return {
    write: (chunk) => out.push(chunk),
    end: () => out.end(),
    drain: () => [],
    heldBytes: () => 0,
  };
}

export const noop: ToxicKind = {
  type: 'noop',
  goStruct: 'NoopToxic',
  attributes: [],
  pipe: (_attrs, out) => passThrough(out),
};
