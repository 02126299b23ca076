/**
 * The arrival schedule of an open model, as a cumulative count: Λ(t) is how
 * many requests should have been sent by t (ms since start). Request k is due
 * at Λ⁻¹(position k), so the rate never depends on how fast the service
 * answers, and a late event loop catches up instead of losing requests. Rates
 * are piecewise linear (holds and ramps), so Λ is piecewise quadratic.
 */

export interface Segment {
  startMs: number;
  durationMs: number;
  /** Requests per second at the start and the end of the segment. */
  fromRate: number;
  toRate: number;
}

/** Requests a segment sends in its first `tauMs` milliseconds. */
function countIn(s: Segment, tauMs: number): number {
  const slope = (s.toRate - s.fromRate) / s.durationMs; // rate change per ms
  return (s.fromRate * tauMs + (slope * tauMs * tauMs) / 2) / 1000;
}

/** Inverse of countIn: ms into the segment at which `count` requests are due. */
function timeIn(s: Segment, count: number): number {
  const a = (s.toRate - s.fromRate) / s.durationMs / 2000;
  const b = s.fromRate / 1000;
  // 2c / (b + sqrt(b² + 4ac)) is the root of a·τ² + b·τ = c that stays exact when a → 0.
  const root = Math.sqrt(Math.max(0, b * b + 4 * a * count));
  const denominator = b + root;
  return denominator > 0 ? (2 * count) / denominator : Infinity;
}

export class Schedule {
  #segments: Segment[];
  /** Cumulative count at each segment's start, plus the total at the end. */
  #starts: number[] = [];
  #cursor = 0;

  constructor(segments: Segment[]) {
    this.#segments = segments.map((s) => ({ ...s }));
    this.#index();
  }

  #index(): void {
    this.#starts = [0];
    for (const s of this.#segments) this.#starts.push(this.#starts.at(-1)! + countIn(s, s.durationMs));
    this.#cursor = 0;
  }

  get segments(): readonly Segment[] {
    return this.#segments;
  }

  get endMs(): number {
    const last = this.#segments.at(-1);
    return last ? last.startMs + last.durationMs : 0;
  }

  /** Requests planned over the whole schedule. */
  get total(): number {
    return this.#starts.at(-1)!;
  }

  #segmentAt(ms: number): number {
    let i = 0;
    while (i < this.#segments.length - 1 && ms >= this.#segments[i]!.startMs + this.#segments[i]!.durationMs) i++;
    return i;
  }

  /** Λ(ms): requests due by `ms`. */
  countAt(ms: number): number {
    if (ms <= 0) return 0;
    if (ms >= this.endMs) return this.total;
    const i = this.#segmentAt(ms);
    return this.#starts[i]! + countIn(this.#segments[i]!, ms - this.#segments[i]!.startMs);
  }

  /** Λ⁻¹(count): when the request at that position is due; Infinity past the end. */
  timeOf(count: number): number {
    if (count >= this.total) return Infinity;
    // Positions only grow while a run is going, so a cursor makes this O(1).
    if (count < this.#starts[this.#cursor]!) this.#cursor = 0;
    while (count >= this.#starts[this.#cursor + 1]!) this.#cursor++;
    const s = this.#segments[this.#cursor]!;
    return s.startMs + timeIn(s, count - this.#starts[this.#cursor]!);
  }

  rateAt(ms: number): number {
    if (ms < 0 || ms >= this.endMs || this.#segments.length === 0) return 0;
    const s = this.#segments[this.#segmentAt(ms)]!;
    return s.fromRate + ((s.toRate - s.fromRate) * (ms - s.startMs)) / s.durationMs;
  }

  /** From `atMs` on, a constant `rate` until `untilMs` (default the planned end). */
  setRate(atMs: number, rate: number, untilMs = this.endMs): void {
    const kept: Segment[] = [];
    for (const s of this.#segments) {
      if (s.startMs >= atMs) break;
      const durationMs = Math.min(s.durationMs, atMs - s.startMs);
      kept.push({ ...s, durationMs, toRate: s.fromRate + ((s.toRate - s.fromRate) * durationMs) / s.durationMs });
    }
    if (untilMs > atMs) kept.push({ startMs: atMs, durationMs: untilMs - atMs, fromRate: rate, toRate: rate });
    this.#segments = kept;
    this.#index();
  }

  /** Ends the schedule at `atMs` (stop()). */
  endAt(atMs: number): void {
    if (atMs >= this.endMs) return;
    this.setRate(atMs, 0, atMs);
  }
}
