import { asMapping, resolveEnvOnly, resolvePath, type LoadContext } from './semantic-context.ts';
import type { RuntimeName, ServiceBuild } from './types.ts';

/** The Docker fields of a service, section or the file; runs after the schema and rules passed. */
type Raw = Record<string, unknown>;

export function serviceBuild(ctx: LoadContext, raw: Raw): ServiceBuild | null {
  if (raw.build === undefined || raw.build === null) return null;
  const b = typeof raw.build === 'string' ? { context: raw.build } : asMapping(raw.build)!;
  const args = Object.entries(asMapping(b.args) ?? {}).map(([k, v]) => [k, resolveEnvOnly(String(v), ctx.env) ?? String(v)]);
  return {
    context: resolvePath(ctx, String(b.context))!,
    dockerfile: typeof b.dockerfile === 'string' ? (resolveEnvOnly(b.dockerfile, ctx.env) ?? b.dockerfile) : 'Dockerfile',
    args: Object.fromEntries(args),
  };
}

export function imageOf(ctx: LoadContext, section: Raw | null | undefined): string | null {
  const image = section?.image;
  return typeof image === 'string' ? (resolveEnvOnly(image, ctx.env) ?? image) : null;
}

export function runtimeOf(raw: Raw): RuntimeName | undefined {
  return typeof raw.runtime === 'string' ? (raw.runtime as RuntimeName) : undefined;
}
