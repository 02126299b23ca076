/**
 * Restart timing per replica, after Kubernetes' CrashLoopBackOff: each
 * consecutive failure multiplies the delay up to a cap; a replica that stays
 * up long enough starts again from the initial delay.
 */
import type { RestartPolicy } from '../config/types.ts';

export class RestartBackoff {
  #failures = 0;
  #restartTimes: number[] = [];
  #inCrashLoop = false;

  constructor(private readonly policy: RestartPolicy, private readonly now: () => number = Date.now) {}

  /** Delay before the next restart, and whether this restart just entered a crash loop. */
  next(): { delayMs: number; attempt: number; crashLoopEntered: boolean; inCrashLoop: boolean } {
    const { backoffInitialMs, backoffMaxMs, backoffMultiplier, crashLoopRestarts, crashLoopWindowMs } = this.policy;
    const t = this.now();
    this.#restartTimes = this.#restartTimes.filter((x) => t - x < crashLoopWindowMs);
    this.#restartTimes.push(t);
    const wasLoop = this.#inCrashLoop;
    if (this.#restartTimes.length >= crashLoopRestarts) this.#inCrashLoop = true;
    const raw = backoffInitialMs * backoffMultiplier ** this.#failures;
    const delayMs = Math.round(this.#inCrashLoop ? backoffMaxMs : Math.min(raw, backoffMaxMs));
    this.#failures += 1;
    return { delayMs, attempt: this.#failures, crashLoopEntered: this.#inCrashLoop && !wasLoop, inCrashLoop: this.#inCrashLoop };
  }

  /** Called once a replica has been healthy for the reset period. */
  reset(): void {
    this.#failures = 0;
    this.#restartTimes = [];
    this.#inCrashLoop = false;
  }

  get inCrashLoop(): boolean {
    return this.#inCrashLoop;
  }
}
