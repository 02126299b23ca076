/**
 * A toxic in the style of Toxiproxy's toxics/*.go: a type with named integer
 * attributes and a factory for a pipe that runs on one link (one direction of
 * one connection). Pipes are push-based instead of goroutines with channels:
 * the link calls write()/end(), the pipe calls out.push()/out.end() in order.
 */

/** A piece of data and the time (performance.now() ms) it was read or became due. */
export interface Chunk {
  data: Buffer;
  readAtMs: number;
}

/** What a pipe may do with its output. */
export interface ToxicOutput {
  /** Passes a chunk to the next toxic (or the destination socket). */
  push(chunk: Chunk): void;
  /** End of stream: after everything pushed so far, half-close the destination. */
  end(): void;
  /** Like end(), but when the end reaches the destination the whole connection closes. */
  close(): void;
  /** Closes both sockets with a TCP RST now. */
  reset(): void;
  /** Seeded uniform [0, 1) stream private to this toxic on this link. */
  random(): number;
}

/** One toxic running on one link. */
export interface ToxicPipe {
  write(chunk: Chunk): void;
  /** The previous stage ended; flush what is held, then out.end(). */
  end(): void;
  /** Stops all timers and hands back every chunk still held, in order, so no byte is lost. */
  drain(): Chunk[];
  /** Bytes held right now (for backpressure). */
  heldBytes(): number;
  /** Runs when the toxic is removed from a live link (Toxiproxy's CleanupToxic). */
  cleanup?(): void;
}

/** Go integer type of an attribute, used in Go-compatible decode errors. */
export type GoIntType = 'int64' | 'int';

export interface ToxicKind<State = unknown> {
  /** Wire name: `latency`, `bandwidth`, ... */
  type: string;
  /** Go struct name (`LatencyToxic`), for byte-identical decode error messages. */
  goStruct: string;
  /** Attributes in Toxiproxy's JSON order; missing ones are 0. */
  attributes: ReadonlyArray<{ name: string; goType: GoIntType }>;
  /** Per-link state that survives updates (limit_data counts bytes). */
  newState?(): State;
  pipe(attrs: Readonly<Record<string, number>>, out: ToxicOutput, state: State): ToxicPipe;
}
