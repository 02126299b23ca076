import { DEFAULTS } from './defaults.ts';
import { subject, type Problem } from './problems.ts';
import { namesOf } from './proxy-values.ts';
import { referenceProblem } from './references.ts';
import {
  asMapping,
  asStrings,
  displayPath,
  hasLoadBalancer,
  hasSection,
  pathKind,
  readEnvFile,
  resolvePath,
  servicesOf,
  type LoadContext,
} from './semantic-context.ts';
import { scanTemplate } from './template.ts';

/** Two fixed ports that are the same cannot both be bound; name both places. */
export function portClashes(ctx: LoadContext): Problem[] {
  const first = new Map<number, (typeof ctx.collected.ports)[number]>();
  const problems: Problem[] = [];
  for (const entry of ctx.collected.ports) {
    const earlier = first.get(entry.port);
    if (!earlier) {
      first.set(entry.port, entry);
      continue;
    }
    problems.push({
      path: entry.path,
      message: `${subject(entry.path)} ${entry.port} is also used by ${subject(earlier.path)} (${ctx.where(earlier.path)})`,
      hint: 'give each a different port, or leave one out to get a free port',
    });
  }
  return problems;
}

/** cwd, env_file and init_sql must exist (and be of the right kind) when the file is loaded. */
export function pathsExist(ctx: LoadContext): Problem[] {
  return ctx.collected.paths.flatMap(({ path: keyPath, value, expect }) => {
    const abs = resolvePath(ctx, value);
    if (abs === undefined) return []; // an unresolvable ${env:...}; the reference rule says why
    const kind = pathKind(abs);
    if (kind === expect) return [];
    const noun = expect === 'dir' ? 'directory' : 'file';
    const found = { file: 'file', dir: 'directory', other: 'special file' } as const;
    const what = kind === null ? 'does not exist' : `is a ${found[kind]}, not a ${noun}`;
    return [{
      path: keyPath,
      message: `${subject(keyPath)}: ${noun} ${displayPath(abs)} ${what}`,
      hint: `paths are relative to the environment file's directory, ${displayPath(ctx.dir) || '.'}`,
    }];
  });
}

function envFilePaths(ctx: LoadContext, service: Record<string, unknown>): Array<{ index: number | null; abs: string }> {
  const raw = service.env_file;
  const values = asStrings(raw);
  return values.flatMap((value, index) => {
    const abs = resolvePath(ctx, value);
    return abs && pathKind(abs) === 'file' ? [{ index: typeof raw === 'string' ? null : index, abs }] : [];
  });
}

export function envFileSyntax(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw).flatMap(([name, service]) =>
    envFilePaths(ctx, service).flatMap(({ index, abs }) => {
      const keyPath = ['services', name, 'env_file', ...(index === null ? [] : [index])];
      const parsed = readEnvFile(ctx, abs);
      if (!parsed) return [{ path: keyPath, message: `${subject(keyPath)}: ${displayPath(abs)} cannot be read` }];
      return parsed.errors.slice(0, 1).map((e) => ({
        path: keyPath,
        message: `${subject(keyPath)}: line ${e.line} of ${displayPath(abs)} ${e.message}`,
        hint: 'write KEY=VALUE, one per line; # starts a comment',
      }));
    }),
  );
}

export function secretsAreSet(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw).flatMap(([name, service]) => {
    if (!Array.isArray(service.secrets)) return [];
    const keys = new Set(Object.keys(asMapping(service.env) ?? {}));
    for (const { abs } of envFilePaths(ctx, service)) for (const e of readEnvFile(ctx, abs)?.entries ?? []) keys.add(e.key);
    return service.secrets.flatMap((key, index) =>
      typeof key !== 'string' || keys.has(key)
        ? []
        : [{
            path: ['services', name, 'secrets', index],
            message: `services.${name}.secrets lists ${key}, but neither env nor env_file sets it`,
            hint: `to pass it through from your shell, add under env: ${key}: \${env:${key}}`,
          }],
    );
  });
}

export function references(ctx: LoadContext): Problem[] {
  const present = new Set<string>();
  for (const section of ['redis', 'postgres']) if (hasSection(ctx.raw, section)) present.add(section);
  if (hasLoadBalancer(ctx.raw)) present.add('load_balancer');
  for (const section of ['apis', 'upstreams'] as const) for (const name of namesOf(ctx.raw, section)) present.add(`${section}.${name}`);
  return ctx.collected.templates.flatMap(({ path: keyPath, value, refs }) => {
    const scanned = scanTemplate(value);
    if (scanned.error !== undefined) {
      return [{ path: keyPath, message: `${subject(keyPath)} ${scanned.error}`, hint: 'close the reference with }, or write $$ for a literal $' }];
    }
    // One message per value: the first reference that cannot be used.
    for (const part of scanned.parts) {
      if (part.kind !== 'ref') continue;
      const problem = referenceProblem(part.ref, { present, env: ctx.env, allowed: refs });
      if (problem) return [{ path: keyPath, message: `${subject(keyPath)} ${problem.message}`, hint: problem.hint }];
    }
    return [];
  });
}

export function postgresUsers(ctx: LoadContext): Problem[] {
  const users = asMapping(ctx.raw.postgres)?.users;
  if (!Array.isArray(users)) return [];
  const seen = new Set<string>([DEFAULTS.postgres.user]);
  return users.flatMap((user, index) => {
    const name = asMapping(user)?.name;
    if (typeof name !== 'string') return [];
    const keyPath = ['postgres', 'users', index, 'name'];
    if (!seen.has(name)) {
      seen.add(name);
      return [];
    }
    return [{
      path: keyPath,
      message: name === DEFAULTS.postgres.user
        ? `postgres.users.${index}.name postgres is the built-in superuser`
        : `postgres.users.${index}.name ${name} is listed twice`,
      hint: 'give each role its own name',
    }];
  });
}

