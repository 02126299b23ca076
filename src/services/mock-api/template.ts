import type { TemplateValue } from './types.ts';

/** What a `{{...}}` placeholder can read. */
export interface TemplateContext {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON request body, or the raw text when it is not JSON. */
  body: unknown;
  request: { id: string; method: string; path: string };
  /** Only while answering a rate-limited request. */
  rateLimit?: Record<string, unknown>;
  /** Generator-specific values (e.g. `last_user_message`). */
  vars?: Record<string, unknown>;
  random: () => number;
}

export const TEMPLATE_ROOTS = [
  'params', 'query', 'headers', 'body', 'request', 'rate_limit', 'now', 'now_ms', 'now_iso', 'random', 'uuid',
  'last_user_message',
] as const;

export type Compiled = (ctx: TemplateContext) => unknown;

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^}]*?)\s*\}\}$/;

/** Returns the first unknown root in a template string, for fixture checks. */
export function unknownTemplateRoot(text: string): string | null {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const root = m[1]!.split('.')[0]!;
    if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) return root;
  }
  return null;
}

export function hasPlaceholders(value: TemplateValue): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasPlaceholders);
  if (value && typeof value === 'object') return Object.values(value).some(hasPlaceholders);
  return false;
}

/**
 * Compiles once at load time so a request only walks closures. A string that is
 * exactly one placeholder keeps the value's type (`"{{body.count}}"` -> 3).
 */
export function compileTemplate(value: TemplateValue): Compiled {
  if (!hasPlaceholders(value)) return () => value;
  if (typeof value === 'string') return compileString(value);
  if (Array.isArray(value)) {
    const parts = value.map(compileTemplate);
    return (ctx) => parts.map((p) => p(ctx));
  }
  const entries = Object.entries(value as Record<string, TemplateValue>).map(([k, v]) => [k, compileTemplate(v)] as const);
  return (ctx) => {
    const out: Record<string, unknown> = {};
    for (const [k, f] of entries) out[k] = f(ctx);
    return out;
  };
}

export function compileString(text: string): Compiled {
  const whole = WHOLE.exec(text);
  if (whole) {
    const get = accessor(whole[1]!);
    return (ctx) => get(ctx) ?? null;
  }
  const pieces: Array<string | Compiled> = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) pieces.push(text.slice(last, m.index));
    pieces.push(accessor(m[1]!));
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return (ctx) => {
    let s = '';
    for (const p of pieces) s += typeof p === 'string' ? p : stringify(p(ctx));
    return s;
  };
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function accessor(expr: string): Compiled {
  const [root, ...rest] = expr.split('.');
  const base = rootGetter(root!);
  if (rest.length === 0) return base;
  return (ctx) => {
    let v: unknown = base(ctx);
    for (const seg of rest) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[root === 'headers' ? seg.toLowerCase() : seg];
    }
    return v;
  };
}

function rootGetter(root: string): Compiled {
  switch (root) {
    case 'params': return (c) => c.params;
    case 'query': return (c) => c.query;
    case 'headers': return (c) => c.headers;
    case 'body': return (c) => c.body;
    case 'request': return (c) => c.request;
    case 'rate_limit': return (c) => c.rateLimit;
    case 'now': return () => Math.floor(Date.now() / 1000);
    case 'now_ms': return () => Date.now();
    case 'now_iso': return () => new Date().toISOString();
    case 'random': return (c) => c.random();
    case 'uuid': return (c) => randomUuid(c.random);
    default: return (c) => c.vars?.[root];
  }
}

/** A v4-shaped id from the seeded PRNG, so a seed repeats ids too. */
export function randomUuid(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(random() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
