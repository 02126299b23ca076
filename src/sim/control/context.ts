import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultHandle } from '../dependency-faults.ts';
import type { LoadHandle, LoadResult, LoadSnapshot } from '../load/index.ts';
import type { Simulation } from '../simulation.ts';
import type { SseStream } from './sse.ts';

export type LoadBusEvents = {
  load_progress: [{ id: string; snapshot: LoadSnapshot }];
  load_done: [{ id: string; result?: LoadResult; error?: { message: string; hint?: string; bug: boolean } }];
};

/** Shared state of one control server, handed to every handler. */
export interface ControlContext {
  readonly sim: Simulation;
  /** Faults added through this API, by `target/name`, so a client's FaultHandle.remove() finds them. */
  readonly faults: Map<string, FaultHandle>;
  readonly loads: Map<string, { handle: LoadHandle; result?: LoadResult }>;
  readonly bus: EventEmitter<LoadBusEvents>;
  readonly streams: Set<SseStream>;
  readonly port: number;
  readonly startedAt: number;
}

/** One matched request. */
export interface Call {
  ctx: ControlContext;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Returned by a handler that wrote the response itself (text, streams). */
export const HANDLED = Symbol('handled');

/** Resolves to the JSON body of a 200 answer, or HANDLED. */
export type Handler = (call: Call) => Promise<unknown>;

/** The event count now: a client that saw this many events has seen the effects of this call. */
export function seqOf(ctx: ControlContext): number {
  return ctx.sim.events().length;
}
