import { describe, expect, it } from 'vitest';
import { nowMs, TimedQueue, waitUntil } from '../../../src/proxy/toxics/clock.ts';

describe('toxic clock', { timeout: 20_000 }, () => {
  it('waitUntil fires at its deadline, never before, and never from inside the call', async () => {
    const due = nowMs() + 20;
    let firedInside = true;
    const fired = new Promise<number>((resolve) => {
      waitUntil(due, () => resolve(nowMs()));
    });
    firedInside = false;
    const at = await fired;
    expect(firedInside).toBe(false);
    expect(at).toBeGreaterThanOrEqual(due - 0.02);
  });

  it('releases every item when deadlines sit right at the edge of "now" (regression: stalled queue)', async () => {
    const released: number[] = [];
    let ended = false;
    const dueOf = new Map<unknown, number>();
    const queue = new TimedQueue(
      // Each head is due just past the 0.02 ms threshold: the racy case.
      (head) => dueOf.get(head) ?? (dueOf.set(head, nowMs() + 0.021), dueOf.get(head)!),
      (head) => {
        released.push(head.data[0]!);
        return null;
      },
      () => (ended = true),
    );
    for (let i = 0; i < 2_000; i++) queue.write({ data: Buffer.from([i & 0xff]), readAtMs: nowMs() });
    queue.end();
    const deadline = Date.now() + 15_000;
    while (!ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(released).toHaveLength(2_000);
    expect(released.every((value, i) => value === (i & 0xff))).toBe(true);
    expect(ended).toBe(true);
  });

  it('drain hands back what is held and cancels the pending wait', async () => {
    let pushed = 0;
    const queue = new TimedQueue(() => nowMs() + 1_000, () => (pushed++, null), () => {});
    queue.write({ data: Buffer.from('ab'), readAtMs: nowMs() });
    queue.write({ data: Buffer.from('c'), readAtMs: nowMs() });
    expect(queue.heldBytes()).toBe(3);
    const held = queue.drain();
    expect(Buffer.concat(held.map((c) => c.data)).toString()).toBe('abc');
    expect(queue.heldBytes()).toBe(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(pushed).toBe(0);
  });
});
