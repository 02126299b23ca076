import path from 'node:path';
import { DEFAULTS } from './defaults.ts';
import { apis, faultProxy, faults, upstreams } from './normalise-proxy.ts';
import { normaliseVersions } from './normalise-versions.ts';
import { imageOf, runtimeOf, serviceBuild } from './normalise-docker.ts';
import { parseEnvReference, resolveEnvReference } from './references.ts';
import { asMapping, asStrings, hasSection, readEnvFile, resolveEnvOnly, resolvePath, type LoadContext } from './semantic-context.ts';
import { escapeTemplateText, partialRender, scanTemplate } from './template.ts';
import type {
  EnvValue,
  Environment,
  HealthCheck,
  LoadBalancerConfig,
  LoadBalancerRetries,
  LoadBalancerRetryOn,
  LoadBalancerStrategy,
  PostgresConfig,
  RedisConfig,
  RestartPolicy,
  RestartPolicyName,
  ServiceConfig,
} from './types.ts';
import { parseBytes, parseDurationMs } from './units.ts';

/**
 * Defaults and camelCase: runs only on a document with no problems, so the
 * casts below are checked by the schema and the semantic rules first.
 */
type Raw = Record<string, unknown>;

const ms = (value: unknown, fallback: string): number => parseDurationMs((value ?? fallback) as string | number);
const str = (value: unknown): string => String(value);

/** Keeps non-env references for the planner; `${env:...}` is filled in now. */
function resolveEnvInTemplate(value: string, env: NodeJS.ProcessEnv): string {
  const scanned = scanTemplate(value);
  if (scanned.error !== undefined) return value;
  return partialRender(scanned.parts, (ref) => {
    const envRef = parseEnvReference(ref);
    return envRef && !('error' in envRef) ? resolveEnvReference(envRef, env) : undefined;
  });
}

function serviceEnv(ctx: LoadContext, raw: Raw): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const file of asStrings(raw.env_file)) {
    for (const entry of readEnvFile(ctx, resolvePath(ctx, file)!)?.entries ?? []) {
      env[entry.key] = { value: escapeTemplateText(entry.value), secret: true };
    }
  }
  for (const [key, given] of Object.entries(asMapping(raw.env) ?? {})) {
    const mapping = asMapping(given);
    const value = mapping ? mapping.value : given;
    env[key] = { value: resolveEnvInTemplate(str(value), ctx.env), secret: mapping?.secret === true };
  }
  for (const key of asStrings(raw.secrets)) if (env[key]) env[key].secret = true;
  return env;
}

function healthCheck(raw: unknown): HealthCheck | null {
  if (raw === false || raw === null) return null;
  const h = asMapping(raw) ?? {};
  const d = DEFAULTS.healthCheck;
  return {
    path: (h.path as string | undefined) ?? d.path,
    intervalMs: ms(h.interval, d.interval),
    timeoutMs: ms(h.timeout, d.timeout),
    retries: (h.retries as number | undefined) ?? d.retries,
    startPeriodMs: ms(h.start_period, d.startPeriod),
  };
}

function restartPolicy(raw: unknown): RestartPolicy {
  const r = typeof raw === 'string' ? { policy: raw } : asMapping(raw) ?? {};
  const backoff = asMapping(r.backoff) ?? {};
  const crashLoop = asMapping(r.crash_loop) ?? {};
  const d = DEFAULTS.restart;
  return {
    policy: ((r.policy as string | undefined) ?? d.policy) as RestartPolicyName,
    backoffInitialMs: ms(backoff.initial, d.backoff.initial),
    backoffMaxMs: ms(backoff.max, d.backoff.max),
    backoffMultiplier: (backoff.multiplier as number | undefined) ?? d.backoff.multiplier,
    crashLoopRestarts: (crashLoop.restarts as number | undefined) ?? d.crashLoop.restarts,
    crashLoopWindowMs: ms(crashLoop.window, d.crashLoop.window),
  };
}

function service(ctx: LoadContext, name: string, raw: Raw): ServiceConfig {
  const commandOf = (c: unknown): string | string[] =>
    Array.isArray(c) ? c.map((part) => resolveEnvInTemplate(str(part), ctx.env)) : resolveEnvInTemplate(str(c), ctx.env);
  // No command: the image's own CMD (Docker runtime only).
  const command = raw.command === undefined ? [] : commandOf(raw.command);
  const config: ServiceConfig = {
    name,
    command,
    cwd: typeof raw.cwd === 'string' ? resolvePath(ctx, raw.cwd)! : ctx.dir,
    replicas: (raw.replicas as number | undefined) ?? DEFAULTS.replicas,
    portEnv: (raw.port_env as string | undefined) ?? DEFAULTS.portEnv,
    env: serviceEnv(ctx, raw),
    healthCheck: healthCheck(Object.hasOwn(raw, 'health_check') ? raw.health_check : {}),
    restart: restartPolicy(raw.restart),
    memoryLimitMb: (raw.memory_limit_mb as number | undefined) ?? null,
    dependsOn: asStrings(raw.depends_on),
    startupTimeoutMs: ms(raw.startup_timeout, DEFAULTS.startupTimeout),
  };
  // Set only when written, so the process runtime's view of a service is unchanged.
  const build = serviceBuild(ctx, raw);
  const image = imageOf(ctx, raw);
  if (build) config.build = build;
  if (image) config.image = image;
  const versions = normaliseVersions(raw, config, (r) => serviceEnv(ctx, { ...r, secrets: raw.secrets }), commandOf);
  if (versions) config.versions = versions;
  return config;
}

function redis(raw: Raw): RedisConfig | null {
  if (!hasSection(raw, 'redis')) return null;
  const r = asMapping(raw.redis) ?? {};
  return {
    port: (r.port as number | undefined) ?? null,
    maxmemory: r.maxmemory === undefined ? null : str(r.maxmemory).trim().toLowerCase(),
    maxmemoryPolicy: (r.maxmemory_policy as string | undefined) ?? DEFAULTS.redis.maxmemoryPolicy,
  };
}

function postgres(ctx: LoadContext): PostgresConfig | null {
  if (!hasSection(ctx.raw, 'postgres')) return null;
  const p = asMapping(ctx.raw.postgres) ?? {};
  const users = Array.isArray(p.users) ? p.users.map((u) => asMapping(u)!) : [];
  return {
    port: (p.port as number | undefined) ?? null,
    maxConnections: (p.max_connections as number | undefined) ?? DEFAULTS.postgres.maxConnections,
    databases: Array.isArray(p.databases) ? asStrings(p.databases) : [...DEFAULTS.postgres.databases],
    users: users.map((u) => ({ name: str(u.name), password: { value: resolveEnvOnly(str(u.password), ctx.env)!, secret: true } })),
    initSql: typeof p.init_sql === 'string' ? resolvePath(ctx, p.init_sql)! : null,
  };
}

function loadBalancer(raw: Raw, serviceNames: string[]): LoadBalancerConfig | null {
  if (!hasSection(raw, 'load_balancer') && serviceNames.length !== 1) return null;
  const lb = asMapping(raw.load_balancer) ?? {};
  return {
    port: (lb.port as number | undefined) ?? null,
    strategy: ((lb.strategy as string | undefined) ?? DEFAULTS.loadBalancer.strategy) as LoadBalancerStrategy,
    service: (lb.service as string | undefined) ?? serviceNames[0]!,
    ...(hasSection(lb, 'retries') ? { retries: loadBalancerRetries(asMapping(lb.retries) ?? {}) } : {}),
  };
}

function loadBalancerRetries(r: Raw): LoadBalancerRetries {
  const d = DEFAULTS.loadBalancer.retries;
  return {
    attempts: (r.attempts as number | undefined) ?? d.attempts,
    on: Array.isArray(r.on) ? (asStrings(r.on) as LoadBalancerRetryOn[]) : [...d.on],
    maxBodyBytes: parseBytes((r.max_body as string | number | undefined) ?? d.maxBody),
  };
}

export function normalise(ctx: LoadContext, file: string, fallbackName: string): Omit<Environment, 'positions'> {
  const services = Object.entries(asMapping(ctx.raw.services) ?? {}).map(([name, s]) => service(ctx, name, asMapping(s)!));
  return {
    file,
    dir: path.resolve(ctx.dir),
    name: (ctx.raw.name as string | undefined) ?? fallbackName,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    redis: withImage(ctx, redis(ctx.raw), ctx.raw.redis),
    postgres: withImage(ctx, postgres(ctx), ctx.raw.postgres),
    loadBalancer: loadBalancer(ctx.raw, services.map((s) => s.name)),
    faultProxy: withImage(ctx, faultProxy(ctx.raw), ctx.raw.fault_proxy)!,
    upstreams: upstreams(ctx.raw),
    apis: apis(ctx),
    faults: faults(ctx.raw),
    ...dockerSections(ctx),
  };
}

/** Docker-only settings, added to what the process runtime reads. */
function dockerSections(ctx: LoadContext): Pick<Environment, 'runtime'> {
  const runtime = runtimeOf(ctx.raw);
  return runtime ? { runtime } : {};
}

function withImage<T extends object>(ctx: LoadContext, config: T | null, section: unknown): T | null {
  const image = imageOf(ctx, asMapping(section));
  return config && image ? { ...config, image } : config;
}
