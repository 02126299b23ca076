import type { ApiConfig, FaultProxyEngine, LoadBalancerRetries, LoadBalancerStrategy, PostgresConfig, RedisConfig, ServiceConfig, ToxicSpec } from '../config/types.ts';

/**
 * A Plan is everything a runtime needs to make an environment real, decided
 * up front and without side effects: every port, every replica's env, which
 * proxy sits in front of which dependency, and what waits for what.
 */

export interface Address {
  host: string;
  port: number;
}

/** One fault-proxy entry: clients connect to `listen`, bytes go on to `upstream`. */
export interface PlannedProxy {
  /** Toxiproxy proxy name, the dependency's name (`redis`, `postgres`). */
  name: string;
  listen: Address;
  upstream: Address;
}

export interface PlannedRedis {
  kind: 'redis';
  id: 'redis';
  dependsOn: string[];
  /** Where the real server listens; services reach it through `proxy`. */
  address: Address;
  proxy: PlannedProxy;
  config: RedisConfig;
}

export interface PlannedPostgres {
  kind: 'postgres';
  id: 'postgres';
  dependsOn: string[];
  address: Address;
  proxy: PlannedProxy;
  config: PostgresConfig;
  /** The role and database `${postgres.url}` names. */
  user: { name: string; password: string };
  database: string;
}

export interface PlannedReplica {
  /** `triage-1`: service name and 1-based index. */
  id: string;
  index: number;
  address: Address;
  /** Fully resolved env for the child process (without the parent's env). */
  env: Record<string, string>;
  /** The version it runs, for a service with `canary:` or `versions:`. */
  version?: string;
}

/** One version of a service with two: its own supervisor, replicas and config (command, env). */
export interface PlannedVersion {
  name: string;
  /** `current` serves everything at start; `next` is the release a rollout moves traffic to. */
  role: 'current' | 'next';
  /** The service's config with this version's command, env and replicas; `name` names its replicas (`triage-canary`). */
  config: ServiceConfig;
  replicas: PlannedReplica[];
}

export interface PlannedService {
  kind: 'service';
  id: string;
  dependsOn: string[];
  config: ServiceConfig;
  /** Every replica, of every version. */
  replicas: PlannedReplica[];
  /** Present for a service with two versions: the current one first. */
  versions?: PlannedVersion[];
}

export interface PlannedLoadBalancer {
  kind: 'load_balancer';
  id: 'load_balancer';
  dependsOn: string[];
  address: Address;
  strategy: LoadBalancerStrategy;
  service: string;
  /** `load_balancer.retries`; absent: the load balancer's default. */
  retries?: LoadBalancerRetries;
}

/** A mock third-party HTTP API (fixtures/apis/*.yaml), behind its own proxy. */
export interface PlannedApi {
  kind: 'api';
  id: string;
  dependsOn: string[];
  address: Address;
  proxy: PlannedProxy;
  config: ApiConfig;
}

/** A TCP dependency the user runs, put behind a proxy; nothing to start. */
export interface PlannedUpstream {
  kind: 'upstream';
  id: string;
  dependsOn: string[];
  proxy: PlannedProxy;
}

export type PlannedComponent = PlannedRedis | PlannedPostgres | PlannedApi | PlannedUpstream | PlannedService | PlannedLoadBalancer;

export interface Plan {
  name: string;
  /** The environment file the plan came from. */
  file: string;
  faultProxy: {
    /** Where agentup's own engine (or a spawned toxiproxy-server) listens. */
    api: Address;
    engine: FaultProxyEngine;
    /** An already running Toxiproxy-compatible server to use instead of starting one. */
    url: string | null;
  };
  /** Toxics in effect from the start, by proxy name. */
  faults: Record<string, ToxicSpec[]>;
  components: PlannedComponent[];
  proxies: PlannedProxy[];
  /** Components grouped in waves: each wave only depends on earlier ones. */
  startOrder: string[][];
  /** Every secret value, for redaction of anything printed. */
  secrets: string[];
}

/** A port the runtime must provide before planning: fixed by the file, or free (null). */
export interface PortSlot {
  id: string;
  fixed: number | null;
}
