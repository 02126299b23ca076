import { didYouMean } from './did-you-mean.ts';
import type { Environment } from './types.ts';

/**
 * What `${section.field}` may name. `*` in a prefix stands for one name of a
 * section keyed by name (`apis.llm`); `noun` is what such a name is called.
 * The planner fills these in once ports are known; only `${env:...}` is
 * resolved at load. Addresses of apis and upstreams are those of their proxies.
 */
export const REFERENCE_TABLE: ReadonlyArray<{ prefix: string; fields: readonly string[]; absentHint: string; noun?: string }> = [
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
  {
    prefix: 'apis.*',
    noun: 'api',
    fields: ['url', 'host', 'port'],
    absentHint: 'add it under apis: with a fixture, e.g. apis: { llm: { fixture: fixtures/apis/openai.yaml } }',
  },
  {
    prefix: 'upstreams.*',
    noun: 'upstream',
    fields: ['address', 'host', 'port', 'url'],
    absentHint: 'add it under upstreams: with its address, e.g. upstreams: { payments: { address: 127.0.0.1:9000 } }',
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
  /** Prefixes that exist in this environment: `redis`, `postgres`, `load_balancer`, `apis.llm`, `upstreams.payments`. */
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
  const section = dot > 0 ? REFERENCE_TABLE.find((r) => matchesPrefix(r.prefix, prefix)) : undefined;
  if (!entry && section) {
    // The section is right and only the field is wrong: suggest among its fields.
    const guess = didYouMean(ref.slice(dot + 1), section.fields);
    return {
      message: `has an unknown reference ${raw}; ${guess ? `did you mean \${${prefix}.${guess}}?` : `the fields of ${prefix} are ${section.fields.join(', ')}`}`,
      hint: knownReferencesHint(),
    };
  }
  if (!entry) {
    const guess = didYouMean(ref, [...KNOWN_REFERENCES, ...namedReferences(ctx.present), 'env:NAME']);
    return {
      message: `has an unknown reference ${raw}${guess ? `; did you mean \${${guess}}?` : ''}`,
      hint: knownReferencesHint(),
    };
  }
  if (ctx.allowed === 'env') {
    return { message: `uses ${raw}, but only \${env:...} references can be used here`, hint: 'this value is needed before anything starts; use a literal or ${env:NAME}' };
  }
  if (!ctx.present.has(prefix)) {
    if (entry.noun) return unknownName(entry, prefix, ref.slice(dot + 1), ctx.present);
    return { message: `uses ${raw}, but there is no ${prefix} in this environment`, hint: entry.absentHint };
  }
  return null;
}

function knownReferencesHint(): string {
  const forms = REFERENCE_TABLE.map((r) => `\${${r.prefix.replace('*', '<name>')}.${r.fields.join('|')}}`);
  return `known references: ${forms.join(' ')} \${env:NAME}; write $\${ for a literal \${`;
}

/** `${apis.<name>.<field>}` for every named prefix present, as did-you-mean candidates. */
function namedReferences(present: ReadonlySet<string>): string[] {
  return REFERENCE_TABLE.filter((r) => r.noun).flatMap((r) =>
    [...present].filter((p) => matchesPrefix(r.prefix, p)).flatMap((p) => r.fields.map((f) => `${p}.${f}`)),
  );
}

/** `${apis.lm.url}` where only `llm` exists: name the section's names and guess one. */
function unknownName(entry: (typeof REFERENCE_TABLE)[number], prefix: string, field: string, present: ReadonlySet<string>): { message: string; hint: string } {
  const section = prefix.slice(0, prefix.indexOf('.'));
  const name = prefix.slice(section.length + 1);
  const names = [...present].filter((p) => matchesPrefix(entry.prefix, p)).map((p) => p.slice(section.length + 1));
  const guess = didYouMean(name, names);
  return {
    message: `uses \${${prefix}.${field}}, but there is no ${entry.noun} named ${name}${guess ? `; did you mean \${${section}.${guess}.${field}}?` : ''}`,
    hint: names.length ? `the ${entry.noun}s here are ${names.join(', ')}` : entry.absentHint,
  };
}

/** The prefixes an environment provides, for referenceProblem. */
export function presentSections(
  env: Pick<Environment, 'redis' | 'postgres' | 'loadBalancer'> & Partial<Pick<Environment, 'apis' | 'upstreams'>>,
): Set<string> {
  const present = new Set<string>();
  if (env.redis) present.add('redis');
  if (env.postgres) present.add('postgres');
  if (env.loadBalancer) present.add('load_balancer');
  for (const name of Object.keys(env.apis ?? {})) present.add(`apis.${name}`);
  for (const name of Object.keys(env.upstreams ?? {})) present.add(`upstreams.${name}`);
  return present;
}

/** For the planner: true when `ref` (without `${}`) can be resolved in `environment`. */
export function isKnownReference(ref: string, environment: Environment): boolean {
  if (ref.startsWith('env:')) return false; // resolved at load; one left over is a bug upstream
  return referenceProblem(ref, { present: presentSections(environment), env: {}, allowed: 'all' }) === null;
}
