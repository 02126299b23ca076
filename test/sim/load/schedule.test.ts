import { describe, expect, it } from 'vitest';
import { Schedule } from '../../../src/sim/load/schedule.ts';

describe('Schedule (cumulative arrivals)', () => {
  it('a constant rate plans rate x duration requests, evenly spaced', () => {
    const s = new Schedule([{ startMs: 0, durationMs: 2000, fromRate: 200, toRate: 200 }]);
    expect(s.total).toBe(400);
    expect(s.countAt(500)).toBeCloseTo(100, 9);
    expect(s.timeOf(0)).toBe(0);
    expect(s.timeOf(1)).toBeCloseTo(5, 9);
    expect(s.timeOf(399)).toBeCloseTo(1995, 9);
    expect(s.timeOf(400)).toBe(Infinity);
  });

  it('a ramp from 0 to 100/s over 10 s plans the area under the line (500), quadratically', () => {
    const s = new Schedule([{ startMs: 0, durationMs: 10_000, fromRate: 0, toRate: 100 }]);
    expect(s.total).toBeCloseTo(500, 9);
    expect(s.countAt(5000)).toBeCloseTo(125, 9); // 0.5 * 5 s * 50/s
    expect(s.rateAt(2500)).toBeCloseTo(25, 9);
    for (const c of [1, 10, 125, 333, 499]) expect(s.countAt(s.timeOf(c))).toBeCloseTo(c, 6);
  });

  it('ramps down and holds across stages keep Λ and Λ⁻¹ inverse of each other', () => {
    const s = new Schedule([
      { startMs: 0, durationMs: 1000, fromRate: 50, toRate: 50 },
      { startMs: 1000, durationMs: 2000, fromRate: 50, toRate: 450 },
      { startMs: 3000, durationMs: 1000, fromRate: 450, toRate: 10 },
    ]);
    expect(s.total).toBeCloseTo(50 + 500 + 230, 9);
    expect(s.endMs).toBe(4000);
    for (const c of [0, 49.5, 50, 300, 549, 551, 700, 779]) expect(s.countAt(s.timeOf(c))).toBeCloseTo(c, 6);
    // Positions asked out of order (after setRate) must not trip the cursor.
    expect(s.timeOf(10)).toBeCloseTo(200, 9);
  });

  it('setRate keeps what was due and replaces the rest with a hold until the planned end', () => {
    const s = new Schedule([{ startMs: 0, durationMs: 4000, fromRate: 100, toRate: 100 }]);
    s.setRate(1000, 300);
    expect(s.countAt(1000)).toBeCloseTo(100, 9);
    expect(s.total).toBeCloseTo(100 + 900, 9);
    expect(s.rateAt(2000)).toBe(300);
    expect(s.endMs).toBe(4000);
  });

  it('setRate in the middle of a ramp keeps the ramp so far', () => {
    const s = new Schedule([{ startMs: 0, durationMs: 2000, fromRate: 0, toRate: 200 }]);
    s.setRate(1000, 0);
    expect(s.countAt(1000)).toBeCloseTo(50, 9);
    expect(s.total).toBeCloseTo(50, 9);
  });

  it('endAt cuts the schedule short (stop)', () => {
    const s = new Schedule([{ startMs: 0, durationMs: 10_000, fromRate: 10, toRate: 10 }]);
    s.endAt(2500);
    expect(s.endMs).toBe(2500);
    expect(s.total).toBeCloseTo(25, 9);
  });
});
