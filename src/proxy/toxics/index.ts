import { bandwidth } from './bandwidth.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';
import type { ToxicKind } from './types.ts';

/** Every toxic type, listed explicitly (no import side effects). */
export const toxicKinds: readonly ToxicKind[] = [
  latency,
  bandwidth,
  slowClose,
  timeout,
  resetPeer,
  slicer,
  limitData,
  noop,
] as ToxicKind[];

const byType = new Map(toxicKinds.map((kind) => [kind.type, kind]));

export function findToxicKind(type: string): ToxicKind | undefined {
  return byType.get(type);
}

export type { Chunk, ToxicKind, ToxicOutput, ToxicPipe } from './types.ts';
