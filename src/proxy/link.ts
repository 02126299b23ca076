import type { Socket } from 'node:net';
import { nowMs } from './toxics/clock.ts';
import { passThrough } from './toxics/noop.ts';
import type { Chunk, ToxicKind, ToxicOutput, ToxicPipe } from './toxics/types.ts';
import type { StreamDirection } from './types.ts';

/** A toxic as a proxy holds it. `revision` changes on every add/update (new random stream). */
export interface ToxicEntry {
  name: string;
  kind: ToxicKind;
  stream: string;
  direction: StreamDirection;
  toxicity: number;
  attributes: Record<string, number>;
  revision: number;
}

/** What a link needs from its connection. */
export interface LinkHost {
  /** Close both sockets gracefully (after pending writes). */
  close(): void;
  /** Close both sockets with a TCP RST. */
  reset(): void;
  random(direction: StreamDirection, toxic: string, revision: number): () => number;
  /** Told every toxicity decision (toxicity < 1), so a replay can show them. */
  recordRoll?(direction: StreamDirection, toxic: ToxicEntry, applied: boolean): void;
}

interface Stage {
  name: string;
  pipe: ToxicPipe;
  /** Per-link toxic state that survives updates (limit_data's byte count). */
  state: unknown;
  inputEnded: boolean;
  outputEnded: boolean;
}

/** Bytes held inside toxics before the link stops reading its source. */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

/**
 * One direction of one connection (Toxiproxy's ToxicLink). With no toxic it is a
 * plain pipe: each chunk is written straight to the destination with the same
 * backpressure as socket.pipe(). With toxics, chunks go through a chain of toxic
 * pipes. Because JavaScript runs one thing at a time, re-routing is atomic: a
 * removed toxic hands back what it holds and those chunks go, in order, to the
 * next toxic (or the socket) before any newer chunk, so nothing is lost or
 * reordered and nothing waits on the data path.
 */
export class Link {
  receivedBytes = 0;
  sentBytes = 0;
  /** null: fast path (no toxic). */
  private stages: Stage[] | null = null;
  private outputEnded = false;
  private closeWhenEnded = false;
  private destinationBlocked = false;
  private holdingTooMuch = false;
  private paused = false;
  private disposed = false;

  constructor(
    readonly direction: StreamDirection,
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly host: LinkHost,
  ) {}

  start(toxics: readonly ToxicEntry[]): void {
    for (const toxic of toxics) this.addToxic(toxic);
    this.source.on('data', this.onData);
    this.source.on('end', this.onSourceEnd);
    this.destination.on('drain', this.onDrain);
  }

  /** The source failed or vanished: deliver what is held, then close the connection. */
  sourceFailed(): void {
    this.closeWhenEnded = true;
    this.onSourceEnd();
  }

  private sourceEnded = false;

  private readonly onData = (data: Buffer): void => {
    this.receivedBytes += data.length;
    const stages = this.stages;
    if (stages === null) {
      this.sentBytes += data.length;
      if (!this.destination.write(data)) {
        this.destinationBlocked = true;
        this.updateFlow();
      }
      return;
    }
    stages[0]!.pipe.write({ data, readAtMs: nowMs() });
    if (!this.holdingTooMuch && this.heldBytes() > HIGH_WATER_BYTES) {
      this.holdingTooMuch = true;
      this.updateFlow();
    }
  };

  private readonly onSourceEnd = (): void => {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    const first = this.stages?.[0];
    if (!first) this.endOutput();
    else if (!first.inputEnded) {
      first.inputEnded = true;
      first.pipe.end();
    }
  };

  private readonly onDrain = (): void => {
    this.destinationBlocked = false;
    this.updateFlow();
  };

  private updateFlow(): void {
    if (this.disposed) return;
    if (this.holdingTooMuch && this.heldBytes() < HIGH_WATER_BYTES / 2) this.holdingTooMuch = false;
    const pause = this.destinationBlocked || this.holdingTooMuch;
    if (pause && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (!pause && this.paused) {
      this.paused = false;
      this.source.resume();
    }
  }

  private heldBytes(): number {
    let total = 0;
    for (const stage of this.stages ?? []) total += stage.pipe.heldBytes();
    return total;
  }

  private writeOut(chunk: Chunk): void {
    if (this.outputEnded || this.disposed) return;
    this.sentBytes += chunk.data.length;
    if (!this.destination.write(chunk.data)) this.destinationBlocked = true;
    this.updateFlow();
  }

  private endOutput(): void {
    if (this.outputEnded || this.disposed) return;
    this.outputEnded = true;
    if (this.closeWhenEnded) this.host.close();
    else this.destination.end();
  }

  /** Passes a chunk to whatever follows `stage` right now. */
  private forward(stage: Stage, chunk: Chunk): void {
    const stages = this.stages;
    const at = stages ? stages.indexOf(stage) : -1;
    if (at < 0) return; // a drained pipe has nothing left to push
    const next = stages![at + 1];
    if (next) next.pipe.write(chunk);
    else this.writeOut(chunk);
  }

  private endAfter(stage: Stage): void {
    if (stage.outputEnded) return;
    stage.outputEnded = true;
    const stages = this.stages;
    const at = stages ? stages.indexOf(stage) : -1;
    if (at < 0) return;
    const next = stages![at + 1];
    if (!next) this.endOutput();
    else if (!next.inputEnded) {
      next.inputEnded = true;
      next.pipe.end();
    }
  }

  private startPipe(stage: Stage, toxic: ToxicEntry): ToxicPipe {
    const random = this.host.random(this.direction, toxic.name, toxic.revision);
    const out: ToxicOutput = {
      push: (chunk) => this.forward(stage, chunk),
      end: () => this.endAfter(stage),
      close: () => {
        this.closeWhenEnded = true;
        this.endAfter(stage);
      },
      reset: () => this.host.reset(),
      random,
    };
    // Toxicity is rolled once per link when the toxic is added or updated here.
    const active = random() < toxic.toxicity;
    if (toxic.toxicity < 1) this.host.recordRoll?.(this.direction, toxic, active);
    return active ? toxic.kind.pipe(toxic.attributes, out, stage.state) : passThrough(out);
  }

  addToxic(toxic: ToxicEntry): void {
    if (this.disposed || this.outputEnded) return;
    const stage: Stage = {
      name: toxic.name,
      pipe: undefined as unknown as ToxicPipe,
      state: toxic.kind.newState?.(),
      inputEnded: false,
      outputEnded: false,
    };
    this.stages ??= [];
    this.stages.push(stage);
    stage.pipe = this.startPipe(stage, toxic);
    if (this.stages.length === 1 && this.sourceEnded) {
      stage.inputEnded = true;
      stage.pipe.end();
    }
  }

  updateToxic(toxic: ToxicEntry): void {
    const stage = this.stages?.find((s) => s.name === toxic.name);
    if (!stage || this.disposed) return;
    const held = stage.pipe.drain();
    stage.pipe = this.startPipe(stage, toxic);
    for (const chunk of held) stage.pipe.write(chunk);
    if (stage.inputEnded && !stage.outputEnded) stage.pipe.end();
  }

  removeToxic(name: string): void {
    const stages = this.stages;
    const at = stages ? stages.findIndex((s) => s.name === name) : -1;
    if (at < 0 || this.disposed) return;
    const stage = stages![at]!;
    // Cleanup (timeout) closes the connection from here on; it swallowed data anyway.
    stage.pipe.cleanup?.();
    const held = stage.pipe.drain();
    stages!.splice(at, 1);
    const next = stages![at];
    for (const chunk of held) {
      if (next) next.pipe.write(chunk);
      else this.writeOut(chunk);
    }
    if (stage.inputEnded && !stage.outputEnded) {
      stage.outputEnded = true;
      if (!next) this.endOutput();
      else if (!next.inputEnded) {
        next.inputEnded = true;
        next.pipe.end();
      }
    }
    if (stages!.length === 0) this.stages = null;
    this.updateFlow();
  }

  /** Stops every toxic's timers; the connection is gone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const stage of this.stages ?? []) stage.pipe.drain();
    this.stages = null;
  }
}
