import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KeyPath } from './diagnostics.ts';
import { parseEnvFile, type EnvFileResult } from './env-file.ts';
import { parseEnvReference, resolveEnvReference } from './references.ts';
import { scanTemplate } from './template.ts';
import type { Collected } from './validate-schema.ts';

/** What the semantic rules and the normaliser share about one load. */
export interface LoadContext {
  /** The parsed document; checked against the schema, but possibly with errors left in it. */
  raw: Record<string, unknown>;
  collected: Collected;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** `file:line:col` of a path, to name a second place in a message. */
  where(path: KeyPath): string;
  envFiles: Map<string, EnvFileResult | null>;
}

/** A path as users should read it: relative to the working directory when under it. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/** Fills `${env:...}` for values needed now (paths, passwords); undefined when one cannot be. */
export function resolveEnvOnly(value: string, env: NodeJS.ProcessEnv): string | undefined {
  const scanned = scanTemplate(value);
  if (scanned.error !== undefined) return undefined;
  let out = '';
  for (const part of scanned.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const ref = parseEnvReference(part.ref);
    const resolved = ref && !('error' in ref) ? resolveEnvReference(ref, env) : undefined;
    if (resolved === undefined) return undefined;
    out += resolved;
  }
  return out;
}

export function resolvePath(ctx: Pick<LoadContext, 'dir' | 'env'>, value: string): string | undefined {
  const resolved = resolveEnvOnly(value, ctx.env);
  return resolved === undefined ? undefined : path.resolve(ctx.dir, resolved);
}

export function pathKind(abs: string): 'file' | 'dir' | 'other' | null {
  try {
    const stat = statSync(abs);
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}

/** Reads and parses an env file once per load; null when it cannot be read. */
export function readEnvFile(ctx: LoadContext, abs: string): EnvFileResult | null {
  if (!ctx.envFiles.has(abs)) {
    let result: EnvFileResult | null = null;
    try {
      result = parseEnvFile(readFileSync(abs, 'utf8'));
    } catch {
      result = null;
    }
    ctx.envFiles.set(abs, result);
  }
  return ctx.envFiles.get(abs) ?? null;
}

export function asMapping(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Services whose value is a mapping, by name, in file order. */
export function servicesOf(raw: Record<string, unknown>): Array<[string, Record<string, unknown>]> {
  return Object.entries(asMapping(raw.services) ?? {}).flatMap(([name, v]) => {
    const m = asMapping(v);
    return m ? [[name, m] as [string, Record<string, unknown>]] : [];
  });
}

/** Whether a top-level section is written (`redis:` alone counts). */
export function hasSection(raw: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(raw, key);
}

/** The load balancer exists when written, or by default in front of a single service. */
export function hasLoadBalancer(raw: Record<string, unknown>): boolean {
  return hasSection(raw, 'load_balancer') || Object.keys(asMapping(raw.services) ?? {}).length === 1;
}
