import { performance } from 'node:perf_hooks';
import type { Chunk, ToxicPipe } from './types.ts';

/**
 * Precise waits for toxics. setTimeout alone fires up to ~1-2 ms late (libuv's
 * millisecond clock is cached per loop turn), which would break "a 100 ms latency
 * toxic within 1 ms". So: a timer for all but the last ~1.5 ms, then setImmediate
 * turns (which still let I/O run) until the deadline.
 */
const SPIN_WINDOW_MS = 1.5;

export const nowMs = (): number => performance.now();

export interface Wait {
  cancel(): void;
}

export function waitUntil(dueMs: number, fire: () => void): Wait {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let cancelled = false;
  let first = true;
  const check = (): void => {
    timer = undefined;
    immediate = undefined;
    if (cancelled) return;
    const left = dueMs - performance.now();
    // Never fire from inside waitUntil itself: the caller must get its handle
    // before the callback runs, or it would keep a handle that already fired.
    if (left <= 0.02 && !first) fire();
    else if (left > SPIN_WINDOW_MS) timer = setTimeout(check, Math.floor(left - SPIN_WINDOW_MS));
    else immediate = setImmediate(check);
    first = false;
  };
  check();
  return {
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}

/**
 * A FIFO of chunks released one at a time at times the toxic decides. Latency,
 * bandwidth and slicer share it: `due(head)` says when the head may leave (or
 * null to leave now) and `release(head)` pushes it (possibly in pieces).
 */
export class TimedQueue {
  private readonly items: Chunk[] = [];
  private bytes = 0;
  private wait: Wait | undefined;
  private ended = false;
  private busy = false;

  constructor(
    private readonly due: (head: Chunk) => number | null,
    private readonly release: (head: Chunk) => Chunk | null,
    private readonly onEnd: () => void,
  ) {}

  write(chunk: Chunk): void {
    this.items.push(chunk);
    this.bytes += chunk.data.length;
    this.pump();
  }

  end(): void {
    this.ended = true;
    this.pump();
  }

  heldBytes(): number {
    return this.bytes;
  }

  /** The queue as a toxic's pipe; `onDrain` lets the toxic forget its plan for the head when it is removed. */
  asPipe(onDrain?: () => void): ToxicPipe {
    return {
      write: (chunk) => this.write(chunk),
      end: () => this.end(),
      drain: () => {
        onDrain?.();
        return this.drain();
      },
      heldBytes: () => this.heldBytes(),
    };
  }

  drain(): Chunk[] {
    this.wait?.cancel();
    this.wait = undefined;
    const out = this.items.splice(0);
    this.bytes = 0;
    return out;
  }

  private pump(): void {
    if (this.wait || this.busy) return;
    this.busy = true;
    try {
      while (this.items.length > 0) {
        const head = this.items[0]!;
        const at = this.due(head);
        if (at !== null && at - nowMs() > 0.02) {
          this.wait = waitUntil(at, () => {
            this.wait = undefined;
            this.pump();
          });
          return;
        }
        const before = head.data.length;
        const rest = this.release(head);
        if (rest === null) {
          this.items.shift();
          this.bytes -= before;
        } else {
          this.items[0] = rest;
          this.bytes -= before - rest.data.length;
        }
      }
      if (this.ended) {
        this.ended = false;
        this.onEnd();
      }
    } finally {
      this.busy = false;
    }
  }
}
