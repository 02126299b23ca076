import { didYouMean } from './did-you-mean.ts';
import type { Environment } from './types.ts';

/**
 * What `${section.field}` may name. `*` in a prefix stands for one name
 * (for sections keyed by name, such as a future `apis.<name>`). The planner
 * fills these in once ports are known; only `${env:...}` is resolved at load.
 */
export const REFERENCE_TABLE: ReadonlyArray<{ prefix: string; fields: readonly string[]; absentHint: string }> = [
  { prefix: 'redis', fields: ['url', 'host', 'port'], absentHint: 'add `redis: {}` at the top level' },
  {
    prefix: 'postgres',
    fields: ['url', 'host', 'port', 'user', 'password', 'database'],
    absentHint: 'add `postgres: {}` at the top level',
  },
  {
    prefix: 'load_balancer',
    fields: ['url', 'host', 'port'],
    absentHint: 'add a load_balancer: section with `service:` naming the service it fronts',
  },
];

/** Every reference without a `*` in it, e.g. `redis.url`. */
export const KNOWN_REFERENCES: readonly string[] = REFERENCE_TABLE.filter((r) => !r.prefix.includes('*')).flatMap((r) =>
  r.fields.map((f) => `${r.prefix}.${f}`),
);

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type EnvReference = { name: string; fallback: string | undefined };

/** `env:NAME` or `env:NAME:-default`; null when `ref` is not an env reference. */
export function parseEnvReference(ref: string): EnvReference | { error: string } | null {
  if (!ref.startsWith('env:')) return null;
  const body = ref.slice(4);
  const sep = body.indexOf(':-');
  const name = sep < 0 ? body : body.slice(0, sep);
  if (!ENV_NAME.test(name)) return { error: `names ${JSON.stringify(name)}, which is not a valid variable name` };
  return { name, fallback: sep < 0 ? undefined : body.slice(sep + 2) };
}

/** Shell semantics of `:-`: the default applies when the variable is unset or empty. */
export function resolveEnvReference(ref: EnvReference, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[ref.name];
  return value === undefined || value === '' ? ref.fallback ?? value : value;
}

export interface ReferenceContext {
  /** Prefixes that exist in this environment: `redis`, `postgres`, `load_balancer`. */
  present: ReadonlySet<string>;
  env: NodeJS.ProcessEnv;
  /** `env` where the value is needed at load time (paths, passwords). */
  allowed: 'all' | 'env';
}

function matchesPrefix(pattern: string, prefix: string): boolean {
  const a = pattern.split('.');
  const b = prefix.split('.');
  return a.length === b.length && a.every((seg, i) => seg === '*' || seg === b[i]);
}

/** Why `${ref}` cannot be used here, or null when it can. */
export function referenceProblem(ref: string, ctx: ReferenceContext): { message: string; hint: string } | null {
  const raw = '${' + ref + '}';
  const envRef = parseEnvReference(ref);
  if (envRef && 'error' in envRef) {
    return { message: `has the reference ${raw}, which ${envRef.error}`, hint: 'write ${env:NAME} or ${env:NAME:-default}' };
  }
  if (envRef) {
    if (resolveEnvReference(envRef, ctx.env) !== undefined) return null;
    return {
      message: `uses ${raw}, but ${envRef.name} is not set and has no default`,
      hint: `set ${envRef.name} in your shell, or give a default: \${env:${envRef.name}:-value}`,
    };
  }
  const dot = ref.lastIndexOf('.');
  const prefix = ref.slice(0, dot);
  const entry = REFERENCE_TABLE.find((r) => dot > 0 && matchesPrefix(r.prefix, prefix) && r.fields.includes(ref.slice(dot + 1)));
  if (!entry && ENV_NAME.test(ref)) {
    return {
      message: `has an unknown reference ${raw}; did you mean \${env:${ref}}?`,
      hint: `write \${env:${ref}} to read it from your environment now, or $${raw} to leave it to the shell`,
    };
  }
  if (!entry) {
    const guess = didYouMean(ref, [...KNOWN_REFERENCES, 'env:NAME']);
    return {
      message: `has an unknown reference ${raw}${guess ? `; did you mean \${${guess}}?` : ''}`,
      hint: `known references: ${REFERENCE_TABLE.map((r) => `\${${r.prefix}.${r.fields.join('|')}}`).join(' ')} \${env:NAME}; write $\${ for a literal \${`,
    };
  }
  if (ctx.allowed === 'env') {
    return { message: `uses ${raw}, but only \${env:...} references can be used here`, hint: 'this value is needed before anything starts; use a literal or ${env:NAME}' };
  }
  if (!ctx.present.has(prefix)) {
    return { message: `uses ${raw}, but there is no ${prefix} in this environment`, hint: entry.absentHint };
  }
  return null;
}

/** The prefixes an environment provides, for referenceProblem. */
export function presentSections(env: Pick<Environment, 'redis' | 'postgres' | 'loadBalancer'>): Set<string> {
  const present = new Set<string>();
  if (env.redis) present.add('redis');
  if (env.postgres) present.add('postgres');
  if (env.loadBalancer) present.add('load_balancer');
  return present;
}

/** For the planner: true when `ref` (without `${}`) can be resolved in `environment`. */
export function isKnownReference(ref: string, environment: Environment): boolean {
  if (ref.startsWith('env:')) return false; // resolved at load; one left over is a bug upstream
  return referenceProblem(ref, { present: presentSections(environment), env: {}, allowed: 'all' }) === null;
}
