/**
 * Wakes the engine's pump for the next arrival. libuv timers have 1 ms
 * resolution, so a sub-millisecond gap needs something finer: in the worker,
 * sleep the thread until the arrival (Atomics.wait: precise and idle) and
 * then let the event loop poll (gaps under SLEEP_MIN_MS spin instead);
 * inline (where blocking would stall the simulation) spin on setImmediate
 * only at SPIN_RATE and above, otherwise send the arrivals of a millisecond
 * together (their latency counts the wait).
 */

/** Inline only: from this rate up, pace with setImmediate (a busy loop) rather than 1 ms timers. */
const SPIN_RATE = 10_000;
/** Worker: shorter gaps than this are spun rather than slept. */
const SLEEP_MIN_MS = 0.1;

export class Pacer {
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #timerAtMs = Infinity;

  /** `untilNextMs()` is how long until the next arrival (0 when none is pending); `sleepMs` only off the main thread. */
  constructor(
    private readonly wake: () => void,
    private readonly untilNextMs: () => number,
    private readonly sleepMs: ((ms: number) => void) | undefined,
  ) {}

  /** `free`: a slot is free (else the next arrival can only be dropped, and completions wake the pump sooner). */
  arm(now: number, nextMs: number, free: boolean, rate: number): void {
    if (this.#immediate) return;
    const delayMs = nextMs - now;
    if (delayMs < 1 && free && (this.sleepMs || rate >= SPIN_RATE)) {
      this.clear();
      this.#immediate = setImmediate(this.#onImmediate);
      return;
    }
    // Completions also pump, so a pending timer only needs replacing when the next arrival moved earlier.
    if (this.#timer !== null && nextMs >= this.#timerAtMs - 1) return;
    this.clear();
    this.#timerAtMs = nextMs;
    this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.round(delayMs)));
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }

  #onTimer = (): void => {
    this.#timer = null;
    this.wake();
  };

  #onImmediate = (): void => {
    this.#immediate = null;
    if (this.sleepMs) {
      const delayMs = this.untilNextMs();
      // A futex wake-up costs tens of µs on a busy VM: below SLEEP_MIN_MS just poll again (spin).
      if (delayMs >= SLEEP_MIN_MS) this.sleepMs(Math.min(delayMs, 1));
    }
    this.wake();
  };
}
