import { describe, expect, it } from 'vitest';
import { AgentupError } from '../../../src/errors.ts';
import { normaliseLoad } from '../../../src/sim/load/options.ts';
import { runLoad, startLoad } from '../../../src/sim/load/start-load.ts';

const URL = 'http://127.0.0.1:9';

function errorOf(fn: () => unknown): AgentupError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AgentupError);
    return err as AgentupError;
  }
  throw new Error('expected an AgentupError');
}

describe('load options', () => {
  it('refuses a target that is not on this machine, naming the host', async () => {
    for (const url of ['http://example.com', 'http://10.0.0.5:8080', 'http://127.0.0.2:80', 'http://0.0.0.0:80']) {
      const err = errorOf(() => normaliseLoad({ url, rate: 1, duration: '1s' }));
      expect(err.message).toContain(`load target '${url}' is not on this machine`);
      expect(err.hint).toContain('127.0.0.1');
    }
    await expect(runLoad({ url: 'http://192.168.1.1/', rate: 1, duration: '1s' })).rejects.toThrow(/not on this machine \(host '192\.168\.1\.1'\)/);
  });

  it('accepts 127.0.0.1, localhost and [::1], and joins a base path with path', () => {
    expect(normaliseLoad({ url: 'http://localhost:80/api/', path: '/triage', rate: 1, duration: 10 }).load.path).toBe('/api/triage');
    expect(normaliseLoad({ url: 'http://[::1]:8080', rate: 1, duration: 10 }).load.origin).toBe('http://[::1]:8080');
    expect(normaliseLoad({ url: `${URL}/x?y=1`, rate: 1, duration: 10 }).load.path).toBe('/x?y=1');
  });

  it('needs a bounded duration and a bounded rate', () => {
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 10 })).message).toBe('load needs a rate and a duration (or stages)');
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 10, duration: '2h' })).message).toContain('more than the limit of 3600000ms');
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 100_001, duration: '1s' })).message).toContain('from 0 to 100000, got 100001');
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 10, duration: 'soon' })).message).toContain(`stages[0].for must be a positive duration`);
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 10, duration: '1s', stages: [] })).message).toContain('not both');
    expect(errorOf(() => normaliseLoad({ url: URL, stages: [{ rate: 1, rampTo: 2, for: '1s' } as never] })).message).toContain('stages[0] needs exactly one of rate or rampTo');
    expect(errorOf(() => normaliseLoad({ url: URL, rate: 1, duration: '1s', maxInFlight: 0 })).message).toContain('maxInFlight must be a whole number from 1 to 10000');
  });

  it('turns stages into segments, ramps starting from the previous rate (ramp_to as in YAML)', () => {
    const { load } = normaliseLoad({ url: URL, stages: [{ rate: 50, for: '10s' }, { ramp_to: 500, for: '20s' }, { rampTo: 0, for: 1000 }] });
    expect(load.segments).toEqual([
      { startMs: 0, durationMs: 10_000, fromRate: 50, toRate: 50 },
      { startMs: 10_000, durationMs: 20_000, fromRate: 50, toRate: 500 },
      { startMs: 30_000, durationMs: 1000, fromRate: 500, toRate: 0 },
    ]);
    expect(load.durationMs).toBe(31_000);
  });

  it('sends an object body as JSON with POST, and keeps functions out of the worker', () => {
    const { load } = normaliseLoad({ url: URL, rate: 1, duration: 10, body: { a: 1 } });
    expect(load).toMatchObject({ method: 'POST', body: { kind: 'fixed', data: '{"a":1}' }, headers: { 'content-type': 'application/json' } });
    const err = errorOf(() => startLoad({ url: URL, rate: 1, duration: 10, body: (i) => ({ i }), thread: 'worker' }));
    expect(err.message).toBe('a body or expectStatus given as a function cannot run in a worker thread');
  });

  it('setRate refuses rates over the cap before sending anything to the engine', async () => {
    const handle = startLoad({ url: URL, rate: 1, duration: 50, thread: 'inline' });
    expect(() => handle.setRate(120_000)).toThrow(/setRate needs requests per second from 0 to 100000, got 120000/);
    await handle.done;
  });
});
