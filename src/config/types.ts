/**
 * The normalised environment: what `loadEnvironment()` returns after parsing,
 * schema and semantic checks and defaults. YAML keys are snake_case; these
 * fields are their camelCase twins with units in the names (`intervalMs`).
 * String values may still hold `${...}` references: the planner resolves them
 * (src/plan/), because a dependency's address is only known once ports are.
 */

export type RestartPolicyName = 'always' | 'on_failure' | 'never';
export type LoadBalancerStrategy = 'round_robin' | 'least_connections';

export interface HealthCheck {
  /** HTTP path probed with GET on the replica's port; 2xx/3xx is healthy. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before a ready replica is marked unhealthy. */
  retries: number;
  /** Grace period after start during which failures do not count. */
  startPeriodMs: number;
}

export interface RestartPolicy {
  policy: RestartPolicyName;
  /** First restart delay; doubles (times `backoffMultiplier`) per consecutive crash. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffMultiplier: number;
  /** `crashLoopRestarts` restarts within `crashLoopWindowMs` is reported as a crash loop. */
  crashLoopRestarts: number;
  crashLoopWindowMs: number;
}

/** One env var for a service; `secret` values are never printed. */
export interface EnvValue {
  value: string;
  secret: boolean;
}

export interface ServiceConfig {
  name: string;
  /** A string runs through `/bin/sh -c`; an array is the exec form (no shell). */
  command: string | string[];
  /** Absolute path, resolved against the environment file's directory. */
  cwd: string;
  replicas: number;
  /** The env var that tells a replica which port to listen on. */
  portEnv: string;
  /** Merged env: env_file entries first (secret), then `env:`; values may hold ${...}. */
  env: Record<string, EnvValue>;
  healthCheck: HealthCheck | null;
  restart: RestartPolicy;
  memoryLimitMb: number | null;
  /** Names of other services or dependencies (`redis`, `postgres`, `apis.<name>`...). */
  dependsOn: string[];
  /** Max time from spawn to first healthy check. */
  startupTimeoutMs: number;
}

export interface RedisConfig {
  /** Fixed port for the real server, or null for a free one. */
  port: number | null;
  /** redis.conf `maxmemory` value, e.g. `64mb`; null for no limit. */
  maxmemory: string | null;
  maxmemoryPolicy: string;
}

export interface PostgresUser {
  name: string;
  password: EnvValue;
}

export interface PostgresConfig {
  port: number | null;
  /** The real server setting: exceeding it gives `sorry, too many clients already`. */
  maxConnections: number;
  /** Databases created at start; the first is the default for `${postgres.url}`. */
  databases: string[];
  /** Extra roles; the default role is `postgres` with password `postgres`. */
  users: PostgresUser[];
  /** Absolute path of a SQL file run against the first database at start. */
  initSql: string | null;
}

export interface LoadBalancerConfig {
  port: number | null;
  strategy: LoadBalancerStrategy;
  /** The service it fronts. */
  service: string;
}

/** Where a value sits in the source, for errors that point at the file. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface Environment {
  /** Absolute path of the environment file (or `<inline>`). */
  file: string;
  /** Directory relative paths in the file resolve against. */
  dir: string;
  name: string;
  services: Record<string, ServiceConfig>;
  redis: RedisConfig | null;
  postgres: PostgresConfig | null;
  loadBalancer: LoadBalancerConfig | null;
  /** Positions of every key path (`services.triage.replicas`), for later errors. */
  positions: Map<string, SourcePosition>;
}
