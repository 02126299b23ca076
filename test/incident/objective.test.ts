import { describe, expect, it } from 'vitest';
import { evaluate, formatValue, parseObjective, type Measured, type Objective } from '../../src/incident/objective.ts';

const measured = (over: Partial<Measured>): Measured => ({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, error_rate: 0, rate: 0, targetRate: 0, count: 100, ...over });
const parse = (text: string) => parseObjective(text) as Objective;

describe('objectives written like k6 thresholds', () => {
  it('parses latency bounds in any duration unit', () => {
    expect(parse('p99 < 800ms')).toMatchObject({ metric: 'p99', op: '<', value: 800, ofTarget: false });
    expect(parse('p99.9 <= 2s')).toMatchObject({ metric: 'p999', op: '<=', value: 2000 });
    expect(parse('avg < 1m')).toMatchObject({ metric: 'mean', value: 60_000 });
  });

  it('parses error rates as percentages or fractions, and rates absolute or relative to the target', () => {
    expect(parse('error_rate < 1%').value).toBeCloseTo(0.01);
    expect(parse('error_rate < 0.05').value).toBeCloseTo(0.05);
    expect(parse('rate > 95% of target')).toMatchObject({ metric: 'rate', value: 0.95, ofTarget: true });
    expect(parse('rate >= 20/s')).toMatchObject({ metric: 'rate', value: 20, ofTarget: false });
  });

  it('says what is wrong with a bad objective', () => {
    expect(parseObjective('p98 < 1s')).toMatchObject({ error: expect.stringContaining('"p98" is not a metric') });
    expect(parseObjective('error_rate < 150')).toMatchObject({ error: expect.stringContaining('percentage or a fraction') });
    expect(parseObjective('p99 fast')).toMatchObject({ error: expect.stringContaining('is not an objective') });
  });

  it('compares with the bound, resolving "% of target" against the requested rate', () => {
    expect(evaluate(parse('p99 < 800ms'), measured({ p99: 799 })).passed).toBe(true);
    expect(evaluate(parse('p99 < 800ms'), measured({ p99: 800 })).passed).toBe(false);
    expect(evaluate(parse('p99 <= 800ms'), measured({ p99: 800 })).passed).toBe(true);
    const relative = evaluate(parse('rate > 95% of target'), measured({ rate: 18, targetRate: 20 }));
    expect(relative).toEqual({ passed: false, measured: 18, threshold: 19 });
    expect(evaluate(parse('rate > 95% of target'), measured({ rate: 19.5, targetRate: 20 })).passed).toBe(true);
  });

  it('formats values the way the report shows them', () => {
    expect(formatValue('error_rate', 0.004)).toBe('0.40%');
    expect(formatValue('p99', 312.4)).toBe('312ms');
    expect(formatValue('rate', 19.84)).toBe('19.8/s');
  });
});
