import { DEFAULTS, LB_RETRY_ON, LB_STRATEGIES, REDIS_EVICTION_POLICIES, RESTART_POLICIES } from './defaults.ts';
import type { NodeOf, SchemaNode } from './schema-nodes.ts';
import { apisSection, faultProxySection, faultsSection, upstreamsSection } from './schema-proxy.ts';
import { versionFields } from './schema-versions.ts';
import { dependencyImage, faultProxyImage, runtimeField, serviceDockerFields } from './schema-docker.ts';

/**
 * The environment file format, in one place. The validator and
 * environments/schema.json are both generated from ENVIRONMENT_SCHEMA, so a
 * new top-level section is one entry in SECTIONS (plus its normaliser).
 */

const port = (description: string): SchemaNode => ({ kind: 'number', integer: true, min: 1, max: 65535, port: true, description, example: 8080 });
const duration = (description: string, dflt: string, positive = true): SchemaNode => ({ kind: 'duration', positive, description, default: dflt, example: dflt });
const SQL_NAME = /^[a-z_][a-z0-9_]*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envKey: SchemaNode = { kind: 'string', pattern: ENV_KEY, patternMessage: 'must be an environment variable name (letters, digits and _)', example: 'OPENAI_API_KEY' };
const stringOrList = (item: SchemaNode, description: string): SchemaNode => ({
  kind: 'union',
  description,
  options: [item, { kind: 'list', items: item, minItems: 1, label: 'a list of strings' }],
});

const envValue: SchemaNode = {
  kind: 'union',
  description: 'A string, number or boolean (turned into a string), or { value, secret }.',
  hint: 'write KEY: value, KEY: "" for an empty value, or KEY: { value: ..., secret: true }',
  options: [
    { kind: 'scalar', refs: 'all' },
    {
      kind: 'mapping',
      required: ['value'],
      fields: {
        value: { kind: 'scalar', refs: 'all', description: 'The value; may hold ${...} references.', example: 'sk-test' },
        secret: { kind: 'boolean', default: false, description: 'Never print this value.', example: true },
      },
    },
  ],
};

const healthCheck: SchemaNode = {
  kind: 'union',
  description: 'HTTP readiness and liveness probe; false or empty disables it.',
  hint: 'write health_check: false to disable it, or a mapping such as { path: /healthz, interval: 1s }',
  options: [
    { kind: 'const', value: false },
    { kind: 'const', value: null },
    {
      kind: 'mapping',
      fields: {
        path: { kind: 'string', pattern: /^\//, patternMessage: 'must be a URL path starting with /', default: DEFAULTS.healthCheck.path, example: '/healthz', description: 'Path probed with GET; 2xx/3xx is healthy.' },
        interval: duration('Time between probes.', DEFAULTS.healthCheck.interval),
        timeout: duration('How long one probe may take.', DEFAULTS.healthCheck.timeout),
        retries: { kind: 'number', integer: true, min: 1, default: DEFAULTS.healthCheck.retries, example: 3, description: 'Consecutive failures before a replica is unhealthy.' },
        start_period: duration('Grace period after start during which failures do not count.', DEFAULTS.healthCheck.startPeriod, false),
      },
    },
  ],
};

const restart: SchemaNode = {
  kind: 'union',
  description: 'What to do when a replica exits: a policy name, or a mapping with backoff and crash-loop detection.',
  options: [
    { kind: 'enum', values: RESTART_POLICIES, example: 'always' },
    {
      kind: 'mapping',
      fields: {
        policy: { kind: 'enum', values: RESTART_POLICIES, default: DEFAULTS.restart.policy, example: 'on_failure', description: 'always | on_failure | never' },
        backoff: {
          kind: 'mapping',
          description: 'Delay before a restart, growing by `multiplier` per consecutive crash.',
          fields: {
            initial: duration('First restart delay.', DEFAULTS.restart.backoff.initial, false),
            max: duration('Longest restart delay.', DEFAULTS.restart.backoff.max, false),
            multiplier: { kind: 'number', min: 1, default: DEFAULTS.restart.backoff.multiplier, example: 2, description: 'Growth per consecutive crash.' },
          },
        },
        crash_loop: {
          kind: 'mapping',
          description: '`restarts` restarts within `window` is reported as a crash loop.',
          fields: {
            restarts: { kind: 'number', integer: true, min: 1, default: DEFAULTS.restart.crashLoop.restarts, example: 5 },
            window: duration('Window in which restarts are counted.', DEFAULTS.restart.crashLoop.window),
          },
        },
      },
    },
  ],
};

const service: NodeOf<'mapping'> = {
  kind: 'mapping',
  // command, build or image: rules-docker.ts says which is missing.
  example: { command: 'node server.js' },
  fields: {
    command: stringOrList({ kind: 'string', minLength: 1, refs: 'all', example: 'node server.js' }, 'Run through /bin/sh -c (string) or as is (list of strings).'),
    cwd: { kind: 'string', minLength: 1, path: 'dir', refs: 'env', example: '../', description: "Working directory, relative to the environment file's directory (the default)." },
    replicas: { kind: 'number', integer: true, min: 1, default: DEFAULTS.replicas, example: 3, description: 'How many copies run behind the load balancer.' },
    port_env: { ...envKey, default: DEFAULTS.portEnv, example: 'PORT', description: 'Env var that tells a replica its port.' },
    env: { kind: 'record', keyNoun: 'environment variable', keyPattern: ENV_KEY, keyRule: 'names use letters, digits and _, and do not start with a digit', values: envValue, description: 'Environment variables; values may hold ${redis.url}-style references.' },
    env_file: stringOrList({ kind: 'string', minLength: 1, path: 'file', refs: 'env', example: '.env' }, 'KEY=VALUE file(s) relative to the environment file; their values are secret.'),
    secrets: { kind: 'list', items: envKey, unique: true, label: 'a list of variable names', example: ['OPENAI_API_KEY'], description: 'Env keys whose values are never printed.' },
    health_check: healthCheck,
    startup_timeout: duration('Longest time from spawn to the first healthy probe.', DEFAULTS.startupTimeout),
    restart,
    memory_limit_mb: { kind: 'number', exclusiveMin: 0, example: 256, description: 'Memory limit per replica, in MiB.' },
    depends_on: { kind: 'list', items: { kind: 'string', minLength: 1, example: 'redis' }, unique: true, label: 'a list of names', example: ['redis', 'postgres'], description: 'Services, redis, postgres, apis or upstreams (by name) started and healthy first.' },
  },
};

// A second version for rollouts reuses the service's own command and env nodes.
Object.assign(service.fields, versionFields(service.fields));
Object.assign(service.fields, serviceDockerFields);

const redis: SchemaNode = {
  kind: 'mapping',
  nullable: true,
  description: 'A real redis-server; `redis: {}` for defaults.',
  fields: {
    port: port('Fixed port; default: a free port.'),
    maxmemory: { kind: 'bytes', example: '64mb', description: 'redis maxmemory, e.g. 100mb, 1gb or 1048576.' },
    maxmemory_policy: { kind: 'enum', values: REDIS_EVICTION_POLICIES, default: DEFAULTS.redis.maxmemoryPolicy, example: 'allkeys-lru', description: 'What redis does when maxmemory is reached.' },
    image: dependencyImage('redis:7'),
  },
};

const postgres: SchemaNode = {
  kind: 'mapping',
  nullable: true,
  description: 'A real Postgres server; `postgres: {}` for defaults (user postgres, password postgres).',
  fields: {
    port: port('Fixed port; default: a free port.'),
    max_connections: { kind: 'number', integer: true, min: 3, default: DEFAULTS.postgres.maxConnections, example: 20, description: 'Postgres reserves some, so at least 3.' },
    databases: { kind: 'list', items: { kind: 'string', pattern: SQL_NAME, patternMessage: 'must be a lowercase name (a-z, 0-9 and _)', example: 'app' }, minItems: 1, unique: true, label: 'a list of database names', default: DEFAULTS.postgres.databases, example: ['app'], description: 'Databases created at start; the first is ${postgres.database}.' },
    users: {
      kind: 'list',
      label: 'a list of { name, password }',
      description: 'Extra roles.',
      items: {
        kind: 'mapping',
        required: ['name', 'password'],
        fields: {
          name: { kind: 'string', pattern: SQL_NAME, patternMessage: 'must be a lowercase name (a-z, 0-9 and _)', example: 'triage' },
          password: { kind: 'scalar', refs: 'env', example: '${env:DB_PASSWORD:-secret}', description: 'Always secret.' },
        },
      },
    },
    init_sql: { kind: 'string', minLength: 1, path: 'file', refs: 'env', example: 'schema.sql', description: 'SQL file run against the first database at start.' },
    image: dependencyImage('postgres:16'),
  },
};

const loadBalancer: SchemaNode = {
  kind: 'mapping',
  nullable: true,
  description: 'HTTP load balancer in front of one service; by default in front of the only service.',
  fields: {
    port: port('Fixed port; default: a free port.'),
    strategy: { kind: 'enum', values: LB_STRATEGIES, default: DEFAULTS.loadBalancer.strategy, example: 'least_connections', description: 'round_robin | least_connections' },
    service: { kind: 'string', minLength: 1, example: 'api', description: 'The service it fronts; required when there are several.' },
    retries: {
      kind: 'mapping',
      nullable: true,
      description:
        'Retry a request that failed before any response byte on another replica. Without this key only requests without a body are retried, once. ' +
        '`reset` replays requests that may have reached your handler: turn it on only when your handlers are idempotent (e.g. by the x-request-id header the load balancer adds).',
      example: { attempts: 1, on: ['refused', 'reset'] },
      fields: {
        attempts: { kind: 'number', integer: true, min: 0, max: 5, default: DEFAULTS.loadBalancer.retries.attempts, example: 1, description: 'Retries per request, each on a replica not tried yet; 0 turns retries off.' },
        on: {
          kind: 'list',
          items: { kind: 'enum', values: LB_RETRY_ON, example: 'refused', description: 'refused: the connection to the replica failed, so the request never reached it. reset: the connection closed before any response byte.' },
          unique: true,
          label: 'a list of refused and reset',
          default: DEFAULTS.loadBalancer.retries.on,
          example: ['refused', 'reset'],
          description: 'Which failures are retried (any method): refused (always safe), reset (safe for idempotent handlers only).',
        },
        max_body: { kind: 'bytes', default: DEFAULTS.loadBalancer.retries.maxBody, example: '64kb', description: 'Request bodies up to this size are kept for a retry; a request with a bigger body is never retried.' },
      },
    },
  },
};

/** Top-level sections; add one entry per new section. */
export const SECTIONS: Record<string, SchemaNode> = {
  version: { kind: 'const', value: 1, description: 'Format version; only 1.', hint: 'agentup reads version 1 only; write version: 1 or leave it out' },
  name: { kind: 'string', pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, patternMessage: 'must be letters, digits, _, . and - only', example: 'support-agent', description: 'Default: the file name without extension.' },
  services: {
    kind: 'record',
    keyNoun: 'service',
    keyPattern: /^[a-z][a-z0-9_-]*$/,
    keyRule: 'service names start with a lowercase letter and use only a-z, 0-9, _ and -',
    values: service,
    minEntries: 1,
    description: 'Your services, by name.',
    example: { api: { command: 'node server.js' } },
    hint: 'add at least one service, e.g. services: { api: { command: node server.js } }',
  },
  redis,
  postgres,
  load_balancer: loadBalancer,
  fault_proxy: { ...(faultProxySection as NodeOf<'mapping'>), fields: { ...(faultProxySection as NodeOf<'mapping'>).fields, image: faultProxyImage } },
  upstreams: upstreamsSection,
  apis: apisSection,
  faults: faultsSection,
  runtime: runtimeField,
};

export const ENVIRONMENT_SCHEMA: NodeOf<'mapping'> = {
  kind: 'mapping',
  required: ['services'],
  fields: SECTIONS,
  description: 'An agentup environment: services, their dependencies (redis, postgres, upstreams, mock apis) behind a fault proxy, and the load balancer in front.',
};
