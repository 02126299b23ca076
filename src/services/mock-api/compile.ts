import { compileString, compileTemplate, hasPlaceholders, type Compiled, type TemplateContext } from './template.ts';
import type { BodySpec, MatchRule, ResponseSpec, WhenSpec } from './types.ts';

/** A body ready to send: fixed bytes when it has no placeholders, else a render function. */
export interface CompiledBody {
  contentType: string;
  fixed: Buffer | null;
  render: ((ctx: TemplateContext) => string) | null;
}

export interface CompiledResponse {
  spec: ResponseSpec;
  when: ((ctx: TemplateContext) => boolean) | null;
  body: CompiledBody;
  /** Flat [name, value, ...] of content-type and the fixture's headers (+ content-length when fixed). */
  headers: string[];
  reply: Compiled | null;
}

export function compileBody(body: BodySpec, contentTypeOverride: string | null = null): CompiledBody {
  if (body.kind === 'none') return { contentType: contentTypeOverride ?? 'text/plain; charset=utf-8', fixed: Buffer.alloc(0), render: null };
  if (body.kind === 'text') {
    const contentType = contentTypeOverride ?? 'text/plain; charset=utf-8';
    if (!body.value.includes('{{')) return { contentType, fixed: Buffer.from(body.value), render: null };
    const f = compileString(body.value);
    return { contentType, fixed: null, render: (ctx) => String(f(ctx)) };
  }
  const contentType = contentTypeOverride ?? 'application/json';
  if (!hasPlaceholders(body.value)) return { contentType, fixed: Buffer.from(JSON.stringify(body.value)), render: null };
  const f = compileTemplate(body.value);
  return { contentType, fixed: null, render: (ctx) => JSON.stringify(f(ctx)) };
}

export function compileResponse(spec: ResponseSpec): CompiledResponse {
  const body = compileBody(spec.body, spec.contentType);
  const headers = ['content-type', body.contentType];
  for (const [k, v] of Object.entries(spec.headers)) if (k !== 'content-type') headers.push(k, v);
  if (body.fixed && !spec.stream && !spec.generator) headers.push('content-length', String(body.fixed.length));
  return {
    spec,
    when: spec.when ? compileWhen(spec.when) : null,
    body,
    headers,
    reply: spec.reply !== null ? compileString(spec.reply) : null,
  };
}

function compileWhen(when: WhenSpec): (ctx: TemplateContext) => boolean {
  const checks: Array<(ctx: TemplateContext) => boolean> = [];
  for (const [name, rule] of Object.entries(when.headers)) checks.push((c) => test(rule, first(c.headers[name])));
  for (const [name, rule] of Object.entries(when.query)) checks.push((c) => test(rule, c.query[name]));
  for (const [name, rule] of Object.entries(when.params)) checks.push((c) => test(rule, c.params[name]));
  for (const [dotted, rule] of Object.entries(when.body)) {
    const segs = dotted.split('.');
    checks.push((c) => test(rule, dig(c.body, segs)));
  }
  return (ctx) => checks.every((check) => check(ctx));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function dig(v: unknown, segs: string[]): unknown {
  for (const s of segs) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

function test(rule: MatchRule, actual: unknown): boolean {
  switch (rule.op) {
    case 'exists':
      return (actual !== undefined && actual !== null) === rule.value;
    case 'equals':
      // Query and header values arrive as text, so `limit: 10` matches "10".
      return actual === rule.value || (actual !== undefined && actual !== null && String(actual) === String(rule.value));
    case 'contains':
      return typeof actual === 'string' ? actual.includes(rule.value) : Array.isArray(actual) && actual.includes(rule.value);
    case 'matches':
      return typeof actual === 'string' && rule.regex.test(actual);
  }
}
