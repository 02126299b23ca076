/**
 * The normalised environment: what `loadEnvironment()` returns after parsing,
 * schema and semantic checks and defaults. YAML keys are snake_case; these
 * fields are their camelCase twins with units in the names (`intervalMs`).
 * String values may still hold `${...}` references: the planner resolves them
 * (src/plan/), because a dependency's address is only known once ports are.
 */

import type { ServiceVersions } from './version-types.ts';

export type RestartPolicyName = 'always' | 'on_failure' | 'never';
export type LoadBalancerStrategy = 'round_robin' | 'least_connections';
export type RuntimeName = 'auto' | 'process' | 'docker';

/** `build:` of a service, with the context resolved to an absolute path. */
export interface ServiceBuild {
  context: string;
  /** Relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
}

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
  /**
   * Names of other services or dependencies, all plain names: another service,
   * `redis`, `postgres`, an api (`llm`) or an upstream (`payments`). Names are
   * unique across services, apis and upstreams, so each one means one thing.
   */
  dependsOn: string[];
  /** Max time from spawn to first healthy check. */
  startupTimeoutMs: number;
  /** Two versions side by side for rollouts (`canary:` or `versions:`); absent: one version. */
  versions?: ServiceVersions;
  /** Docker runtime: a Dockerfile context to build the image from; absent or null: none. */
  build?: ServiceBuild | null;
  /** Docker runtime: an image to run; absent or null: none. */
  image?: string | null;
}

export interface RedisConfig {
  /** Fixed port for the real server, or null for a free one. */
  port: number | null;
  /** redis.conf `maxmemory` value, e.g. `64mb`; null for no limit. */
  maxmemory: string | null;
  maxmemoryPolicy: string;
  /** Docker runtime: the image; null or absent for the default (redis:7 or $AGENTUP_REDIS_IMAGE). */
  image?: string | null;
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
  /** Docker runtime: the image; null or absent for the default (postgres:16 or $AGENTUP_POSTGRES_IMAGE). */
  image?: string | null;
}

/** Why a request failed before any response byte: `refused` never reached a replica, `reset` did. */
export type LoadBalancerRetryOn = 'refused' | 'reset';

/** `load_balancer.retries:` (absent: only requests without a body are retried, once). */
export interface LoadBalancerRetries {
  /** Retries per request, each on a replica not tried yet; 0 turns retries off. */
  attempts: number;
  on: LoadBalancerRetryOn[];
  /** A request body up to this size is kept for a retry; a bigger one is never retried. */
  maxBodyBytes: number;
}

export interface LoadBalancerConfig {
  port: number | null;
  strategy: LoadBalancerStrategy;
  /** The service it fronts. */
  service: string;
  /** Absent when the file has no `retries:`: the built-in default then applies. */
  retries?: LoadBalancerRetries;
}

export type FaultProxyEngine = 'auto' | 'agentup' | 'toxiproxy';

/** How dependencies are faulted: `fault_proxy:`; always present, with defaults. */
export interface FaultProxyConfig {
  /**
   * `toxiproxy` runs a real `toxiproxy-server` (or uses the one at `url`);
   * `agentup` is the built-in Toxiproxy-compatible engine (src/proxy/);
   * `auto` picks `toxiproxy` when toxiproxy-server is on PATH, else `agentup`.
   * The loader turns `auto` with a `url` into `toxiproxy`, so `auto` here
   * always means "look on PATH".
   */
  engine: FaultProxyEngine;
  /**
   * API base URL of an already running Toxiproxy-compatible server, without a
   * trailing slash (`http://127.0.0.1:8474`); its host is 127.0.0.1, localhost
   * or [::1]. Null: agentup starts the proxy itself.
   */
  url: string | null;
  /**
   * Fixed port for the API of the proxy agentup starts; null means 8474, or a
   * free port when 8474 is taken. Always null when `url` is set.
   */
  port: number | null;
  /** Docker runtime: the proxy image; `agentup` for agentup's own; null or absent for Toxiproxy's. */
  image?: string | null;
}

/** An extra TCP dependency (`upstreams.<name>`), reached through its own proxy. */
export interface UpstreamConfig {
  name: string;
  /** Where the real dependency listens: `127.0.0.1` (localhost is read as that) or `::1`. */
  host: string;
  port: number;
}

/** A mock third-party HTTP API (`apis.<name>`), reached through its own proxy. */
export interface ApiConfig {
  name: string;
  /** Absolute path of the fixture file (format: fixtures/apis/README.md); it existed at load. */
  fixture: string;
  /** Fixed port for the mock server itself (not its proxy); null for a free one. */
  port: number | null;
}

export type ToxicStream = 'upstream' | 'downstream';

/** One toxic, in Toxiproxy's JSON shape, so it can be POSTed to any Toxiproxy API as is. */
export interface ToxicSpec {
  /** As written, or Toxiproxy's default `<type>_<stream>`; unique per proxy. */
  name: string;
  /** A type from the fault proxy's registry (src/proxy/toxics/index.ts). */
  type: string;
  /** `downstream` (server to client, the default) or `upstream` (client to server). */
  stream: ToxicStream;
  /** Chance from 0 to 1 that a new connection gets this toxic; default 1. */
  toxicity: number;
  /** Every attribute of the type, in the registry's order; ones left out are 0. Whole numbers >= 0. */
  attributes: Record<string, number>;
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
  faultProxy: FaultProxyConfig;
  /** By name, in file order; `{}` when there is no `upstreams:` section. */
  upstreams: Record<string, UpstreamConfig>;
  /** By name, in file order; `{}` when there is no `apis:` section. */
  apis: Record<string, ApiConfig>;
  /**
   * Toxics present from the start, keyed by proxy name: `redis`, `postgres`,
   * an upstream or an api name (each key names one that exists); `{}` when none.
   */
  faults: Record<string, ToxicSpec[]>;
  /** `runtime:` as written; absent when the file does not say. */
  runtime?: RuntimeName;
  /** Positions of every key path (`services.triage.replicas`), for later errors. */
  positions: Map<string, SourcePosition>;
}
