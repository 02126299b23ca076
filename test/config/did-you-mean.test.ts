import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/config/did-you-mean.ts';

describe('didYouMean', () => {
  it('counts insertions, deletions, substitutions and a swapped pair as one edit each', () => {
    expect(editDistance('redis', 'redis')).toBe(0);
    expect(editDistance('rediss', 'redis')).toBe(1);
    expect(editDistance('rdis', 'redis')).toBe(1);
    expect(editDistance('redus', 'redis')).toBe(1);
    expect(editDistance('redsi', 'redis')).toBe(1);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('suggests only plausible typos', () => {
    expect(didYouMean('redsi', ['redis', 'postgres'])).toBe('redis');
    expect(didYouMean('prot', ['engine', 'url', 'port'])).toBe('port');
    expect(didYouMean('Load-Balancer', ['load_balancer'])).toBe('load_balancer');
    expect(didYouMean('cache', ['api', 'redis'])).toBeUndefined();
  });
});
