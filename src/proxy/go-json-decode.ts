import type { Raw } from './go-json-scan.ts';

/**
 * Go's json.Unmarshal into a described Go type, reporting the first
 * UnmarshalTypeError exactly as Go words it (`json: cannot unmarshal string into
 * Go struct field LatencyToxic.attributes.latency of type int64`) while going on
 * decoding the rest, as Go does. Keys match case-insensitively, like Go.
 */

export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int'; name: 'int64' | 'int' }
  | { kind: 'float32' }
  | { kind: 'struct'; typeName: string; structName: string; fields: Record<string, GoType> }
  | { kind: 'slice'; typeName: string; elem: GoType };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

function typeString(type: GoType): string {
  switch (type.kind) {
    case 'string':
    case 'bool':
    case 'float32':
      return type.kind;
    case 'int':
      return type.name;
    case 'struct':
    case 'slice':
      return type.typeName;
  }
}

function rawKind(raw: Raw): string {
  return raw.t === 'bool' ? 'bool' : raw.t;
}

interface Context {
  structName: string | undefined;
  fields: string[];
}

export class GoDecoder {
  /** The first type error, if any; Go reports only that one. */
  error: string | undefined;

  private mismatch(value: string, type: GoType, ctx: Context): void {
    if (this.error) return;
    const where =
      ctx.structName !== undefined || ctx.fields.length > 0
        ? `Go struct field ${ctx.structName ?? ''}.${ctx.fields.join('.')}`
        : 'Go value';
    this.error = `json: cannot unmarshal ${value} into ${where} of type ${typeString(type)}`;
  }

  /**
   * Decodes raw into type; `into` is the existing value (Go decodes into a
   * pre-filled struct, so fields not in the JSON keep their value).
   * null leaves the existing value untouched, as in Go.
   */
  decode(raw: Raw, type: GoType, into: unknown, ctx: Context = { structName: undefined, fields: [] }): unknown {
    if (raw.t === 'null') return into;
    switch (type.kind) {
      case 'string':
        if (raw.t === 'string') return raw.v;
        break;
      case 'bool':
        if (raw.t === 'bool') return raw.v;
        break;
      case 'int':
        if (raw.t === 'number') {
          if (/^-?\d+$/.test(raw.text)) {
            const big = BigInt(raw.text);
            if (big >= INT64_MIN && big <= INT64_MAX) return Number(big);
          }
          this.mismatch(`number ${raw.text}`, type, ctx);
          return into;
        }
        break;
      case 'float32':
        if (raw.t === 'number') {
          const value = Number(raw.text);
          if (Math.abs(value) > FLOAT32_MAX) {
            this.mismatch(`number ${raw.text}`, type, ctx);
            return into;
          }
          return Math.fround(value);
        }
        break;
      case 'slice':
        if (raw.t === 'array') return raw.items.map((item) => this.decode(item, type.elem, undefined, ctx));
        break;
      case 'struct':
        if (raw.t === 'object') return this.decodeStruct(raw.entries, type, into, ctx);
        break;
    }
    this.mismatch(rawKind(raw), type, ctx);
    return into;
  }

  private decodeStruct(
    entries: Array<[string, Raw]>,
    type: Extract<GoType, { kind: 'struct' }>,
    into: unknown,
    ctx: Context,
  ): Record<string, unknown> {
    const target: Record<string, unknown> = { ...((into as Record<string, unknown> | undefined) ?? {}) };
    const names = Object.keys(type.fields);
    for (const [key, value] of entries) {
      const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
      if (field === undefined) continue;
      const inner = { structName: type.structName, fields: [...ctx.fields, field] };
      target[field] = this.decode(value, type.fields[field]!, target[field], inner);
    }
    return target;
  }
}

/** Go's json.Marshal of a string: HTML-safe escapes included. */
export function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's json.Marshal of a float32: the shortest decimal that reads back to the same float32. */
export function goFloat32(value: number): string {
  const f = Math.fround(value);
  if (f === 0) return '0';
  let text = String(f);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) {
      text = String(candidate);
      break;
    }
  }
  const abs = Math.abs(f);
  if (abs < 1e-6 || abs >= 1e21) {
    // Go switches to exponent form with at least two exponent digits.
    const [mantissa, exponent = '0'] = Number(text).toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return text.includes('e') ? Number(text).toFixed(20).replace(/\.?0+$/, '') : text;
}
