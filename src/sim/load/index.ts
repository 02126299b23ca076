export { runLoad, startLoad } from './start-load.ts';
export { checkLoopbackUrl, MAX_RATE, MAX_DURATION_MS, MAX_IN_FLIGHT } from './options.ts';
export { summaryTable, secondRow, SECOND_HEADER } from './summary-table.ts';
export type {
  BodyGenerator, ErrorKind, LatencyFigures, LoadHandle, LoadOptions, LoadResult, LoadSecond, LoadSnapshot, LoadStage, RunLoadOptions,
} from './types.ts';
