import { describe, expect, it } from 'vitest';
import { loadEnvironmentFromObject } from '../../src/config/load.ts';
import { isKnownReference, KNOWN_REFERENCES, referenceProblem } from '../../src/config/references.ts';

const all = new Set(['redis', 'postgres', 'load_balancer']);

describe('references', () => {
  it('lists every dependency reference', () => {
    expect(KNOWN_REFERENCES).toEqual([
      'redis.url', 'redis.host', 'redis.port',
      'postgres.url', 'postgres.host', 'postgres.port', 'postgres.user', 'postgres.password', 'postgres.database',
      'load_balancer.url', 'load_balancer.host', 'load_balancer.port',
    ]);
  });

  it('accepts known refs of present sections and resolvable env refs', () => {
    for (const ref of [...KNOWN_REFERENCES, 'env:SET', 'env:UNSET:-x', 'env:EMPTY:-x']) {
      expect(referenceProblem(ref, { present: all, env: { SET: '1', EMPTY: '' }, allowed: 'all' }), ref).toBeNull();
    }
  });

  it('says why a reference cannot be used', () => {
    const ctx = { present: new Set(['redis']), env: { EMPTY: '' }, allowed: 'all' as const };
    expect(referenceProblem('redis.uri', ctx)?.message).toBe('has an unknown reference ${redis.uri}; did you mean ${redis.url}?');
    expect(referenceProblem('postgres.url', ctx)?.message).toBe('uses ${postgres.url}, but there is no postgres in this environment');
    expect(referenceProblem('env:UNSET', ctx)?.message).toBe('uses ${env:UNSET}, but UNSET is not set and has no default');
    // Set but empty, with no default: the empty value is used, as a shell would.
    expect(referenceProblem('env:EMPTY', ctx)).toBeNull();
    expect(referenceProblem('env:9X', ctx)?.message).toMatch(/not a valid variable name/);
    expect(referenceProblem('redis.url', { ...ctx, allowed: 'env' })?.message).toMatch(/only \$\{env:\.\.\.\} references/);
  });

  it('answers for a loaded environment, for the planner', () => {
    const e = loadEnvironmentFromObject({ services: { api: { command: 'x' } }, redis: {} }, { env: {} });
    expect(isKnownReference('redis.url', e)).toBe(true);
    expect(isKnownReference('load_balancer.url', e)).toBe(true);
    expect(isKnownReference('postgres.url', e)).toBe(false);
    expect(isKnownReference('redis.nope', e)).toBe(false);
  });
});
