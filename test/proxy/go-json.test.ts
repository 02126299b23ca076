import { describe, expect, it } from 'vitest';
import { populateSchema, proxySchema, toxicAttributesSchema, toxicWrapperSchema } from '../../src/proxy/api-schemas.ts';
import { goFloat32, GoDecoder, goJsonString } from '../../src/proxy/go-json-decode.ts';
import { scanFirstValue } from '../../src/proxy/go-json-scan.ts';
import { findToxicKind } from '../../src/proxy/toxics/index.ts';

/** Go encoding/json wording that Toxiproxy passes through in `bad request body: ...`. */
function decode(text: string, schema = proxySchema, into: unknown = {}): { value?: unknown; error?: string } {
  const scanned = scanFirstValue(Buffer.from(text));
  if (!scanned.ok) return { error: scanned.error };
  const decoder = new GoDecoder();
  const value = decoder.decode(scanned.raw, schema, into);
  return decoder.error ? { error: decoder.error } : { value };
}

describe('Go-compatible JSON decoding', () => {
  it.each([
    ['not json', "invalid character 'o' in literal null (expecting 'u')"],
    ['', 'EOF'],
    ['   ', 'EOF'],
    ['{"a":', 'unexpected EOF'],
    ['{a}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['tru', 'unexpected EOF'],
    ['{"a":"\t"}', "invalid character '\\t' in string literal"],
  ])('scans %j as Go does', (text, message) => {
    expect(decode(text).error).toBe(message);
  });

  it('reports type errors with the Go struct path and type', () => {
    expect(decode('{"enabled":"yes"}').error).toBe('json: cannot unmarshal string into Go struct field Proxy.enabled of type bool');
    expect(decode('[1]').error).toBe('json: cannot unmarshal array into Go value of type toxiproxy.Proxy');
    const latency = toxicAttributesSchema(findToxicKind('latency')!);
    expect(decode('{"attributes":{"latency":1.5}}', latency).error).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
    );
    expect(decode('{"attributes":7}', latency).error).toBe(
      'json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic',
    );
    expect(decode('{"toxicity":"x"}', toxicWrapperSchema).error).toBe(
      'json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32',
    );
    expect(decode('[{"name":5}]', populateSchema, undefined).error).toBe(
      'json: cannot unmarshal number into Go struct field .name of type string',
    );
  });

  it('matches keys case-insensitively, ignores unknown keys, keeps defaults on null and ignores trailing data', () => {
    expect(decode('{"NAME":"a","other":1,"enabled":null} trailing', proxySchema, { enabled: true }).value).toEqual({
      name: 'a',
      enabled: true,
    });
  });

  it('marshals strings and float32 like Go', () => {
    expect(goJsonString('a<b>&c')).toBe('"a\\u003cb\\u003e\\u0026c"');
    expect(goFloat32(0.5)).toBe('0.5');
    expect(goFloat32(1)).toBe('1');
    expect(goFloat32(0.1)).toBe('0.1');
    expect(goFloat32(0.123456789)).toBe('0.12345679');
  });
});
