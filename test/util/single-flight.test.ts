import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/util/single-flight.ts';

describe('SingleFlight', () => {
  it('shares one run per key while it is in flight, and runs again once it settled', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const work = async () => {
      runs += 1;
      await gate;
      return runs;
    };
    const a = flight.run('k', work);
    const b = flight.run('k', work);
    const other = flight.run('other', async () => 42);
    expect(a).toBe(b);
    release();
    expect(await Promise.all([a, b, other])).toEqual([1, 1, 42]);
    expect(await flight.run('k', work)).toBe(2);
  });

  it('forgets a failure, so the next caller tries again', async () => {
    const flight = new SingleFlight<string>();
    await expect(flight.run('k', async () => { throw new Error('initdb failed'); })).rejects.toThrow('initdb failed');
    expect(await flight.run('k', async () => 'built')).toBe('built');
  });
});
