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

  it('knows named references for each api and upstream, with did-you-mean on the name', () => {
    const ctx = { present: new Set(['apis.llm', 'apis.sentiment', 'upstreams.payments']), env: {}, allowed: 'all' as const };
    for (const ref of ['apis.llm.url', 'apis.llm.host', 'apis.sentiment.port', 'upstreams.payments.address', 'upstreams.payments.host', 'upstreams.payments.port', 'upstreams.payments.url']) {
      expect(referenceProblem(ref, ctx), ref).toBeNull();
    }
    expect(referenceProblem('apis.lm.url', ctx)).toEqual({
      message: 'uses ${apis.lm.url}, but there is no api named lm; did you mean ${apis.llm.url}?',
      hint: 'the apis here are llm, sentiment',
    });
    expect(referenceProblem('upstreams.x.address', { ...ctx, present: new Set() })?.hint).toMatch(/^add it under upstreams:/);
    expect(referenceProblem('apis.llm.address', ctx)?.message).toBe('has an unknown reference ${apis.llm.address}; the fields of apis.llm are url, host, port');
    expect(referenceProblem('apis.llm.prot', ctx)?.message).toBe('has an unknown reference ${apis.llm.prot}; did you mean ${apis.llm.port}?');
    expect(referenceProblem('api.llm.url', ctx)?.message).toBe('has an unknown reference ${api.llm.url}; did you mean ${apis.llm.url}?');
    expect(referenceProblem('upstreams.payments.url', { ...ctx, allowed: 'env' })?.message).toMatch(/only \$\{env:\.\.\.\} references/);
  });

  it('answers for a loaded environment, for the planner', () => {
    const e = loadEnvironmentFromObject({ services: { api: { command: 'x' } }, redis: {} }, { env: {} });
    expect(isKnownReference('redis.url', e)).toBe(true);
    expect(isKnownReference('load_balancer.url', e)).toBe(true);
    expect(isKnownReference('postgres.url', e)).toBe(false);
    expect(isKnownReference('redis.nope', e)).toBe(false);
    const withApis = loadEnvironmentFromObject(
      { services: { api: { command: 'x' } }, upstreams: { pay: { address: '127.0.0.1:9100' } } },
      { env: {} },
    );
    expect(isKnownReference('upstreams.pay.url', withApis)).toBe(true);
    expect(isKnownReference('upstreams.payy.url', withApis)).toBe(false);
    expect(isKnownReference('apis.pay.url', withApis)).toBe(false);
  });
});
