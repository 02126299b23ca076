import type { FaultSpec } from './types.ts';

/**
 * Decides which fault (if any) hits a request. Every fault sees every request
 * in its scope, so `every_nth` and `first_n` count the requests it saw, and
 * each `fraction` fault draws once per request, so a seed repeats exactly.
 */
export class FaultState {
  private seen = new Map<string, number>();

  constructor(private readonly startedAtMs: number) {}

  pick(faults: readonly FaultSpec[], nowMs: number, random: () => number): FaultSpec | null {
    let hit: FaultSpec | null = null;
    for (const f of faults) {
      const t = f.trigger;
      let fires: boolean;
      switch (t.on) {
        case 'always':
          fires = true;
          break;
        case 'fraction':
          fires = random() < t.fraction;
          break;
        case 'every_nth': {
          const n = (this.seen.get(f.id) ?? 0) + 1;
          this.seen.set(f.id, n);
          fires = n % t.n === 0;
          break;
        }
        case 'first_n': {
          const n = (this.seen.get(f.id) ?? 0) + 1;
          this.seen.set(f.id, n);
          fires = n <= t.n;
          break;
        }
        case 'window': {
          const sinceStart = nowMs - this.startedAtMs;
          fires = sinceStart >= t.startAfterMs && sinceStart < t.startAfterMs + t.durationMs;
          break;
        }
      }
      if (fires && hit === null) hit = f;
    }
    return hit;
  }

  /** `every_nth` / `first_n` start counting again. */
  reset(): void {
    this.seen.clear();
  }
}
