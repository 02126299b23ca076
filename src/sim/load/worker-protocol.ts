import type { NormalisedLoad } from './options.ts';
import type { LoadResult, LoadSecond, LoadSnapshot } from './types.ts';

export interface WorkerInput {
  load: NormalisedLoad;
}

export type ToWorker = { type: 'stop' } | { type: 'setRate'; rate: number };

export type ToParent =
  | { type: 'tick'; second: LoadSecond }
  | { type: 'progress'; snapshot: LoadSnapshot }
  | { type: 'done'; result: LoadResult }
  | { type: 'error'; name: string; message: string; hint?: string; stack?: string };
