/**
 * Durations and sizes as people write them in environment files. Durations
 * follow Go/Compose (`250ms`, `2s`, `1m30s`); a bare number means milliseconds.
 * Sizes follow redis.conf, where `k`/`m`/`g` are powers of 1000 and
 * `kb`/`mb`/`gb` powers of 1024.
 */

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Milliseconds for `500ms`, `2s`, `1m`, `1m30s` or a number of ms; null when not a duration. */
export function tryParseDurationMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text);
    if (!match) return null;
    total += Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
  }
  return total;
}

export function parseDurationMs(value: string | number): number {
  const ms = tryParseDurationMs(value);
  if (ms === null) throw new TypeError(`not a duration: ${JSON.stringify(value)} (try 500ms, 2s or 1m)`);
  return ms;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
};

/** Bytes for redis size syntax (`100mb`, `1gb`, `1048576`); null when not a size. */
export function tryParseBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(value.trim());
  const unit = BYTE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  return match && unit !== undefined ? Number(match[1]) * unit : null;
}

export function parseBytes(value: string | number): number {
  const bytes = tryParseBytes(value);
  if (bytes === null) throw new TypeError(`not a size: ${JSON.stringify(value)} (try 64mb, 1gb or 1048576)`);
  return bytes;
}
