import { describe, expect, it } from 'vitest';
import { parseBytes, parseDurationMs, tryParseBytes, tryParseDurationMs } from '../../src/config/units.ts';

describe('parseDurationMs', () => {
  it('reads numbers as milliseconds and Go-style unit strings', () => {
    expect(parseDurationMs(250)).toBe(250);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs('1m')).toBe(60_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('0s')).toBe(0);
    expect(parseDurationMs('750')).toBe(750);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', 'soon', '2 seconds', '-1s', '1d', 's', '1s2', Number.NaN, -5]) {
      expect(tryParseDurationMs(bad), String(bad)).toBeNull();
    }
    expect(() => parseDurationMs('soon')).toThrow(/not a duration: "soon"/);
  });
});

describe('parseBytes', () => {
  it('follows redis.conf units: k/m/g are 1000s, kb/mb/gb are 1024s', () => {
    expect(parseBytes(1048576)).toBe(1048576);
    expect(parseBytes('1048576')).toBe(1048576);
    expect(parseBytes('1k')).toBe(1000);
    expect(parseBytes('1kb')).toBe(1024);
    expect(parseBytes('64mb')).toBe(64 * 1024 * 1024);
    expect(parseBytes('64MB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('100m')).toBe(100_000_000);
    expect(parseBytes('1gb')).toBe(1024 ** 3);
  });

  it('rejects what is not a size', () => {
    for (const bad of ['lots', '1tb', '-1mb', 1.5, '']) expect(tryParseBytes(bad), String(bad)).toBeNull();
    expect(() => parseBytes('lots')).toThrow(/not a size/);
  });
});
