/** Values used when the environment file leaves a key out; schema.json documents them. */
export const DEFAULTS = {
  replicas: 1,
  portEnv: 'PORT',
  startupTimeout: '30s',
  healthCheck: { path: '/healthz', interval: '1s', timeout: '1s', retries: 3, startPeriod: '0s' },
  restart: {
    policy: 'always',
    backoff: { initial: '100ms', max: '5s', multiplier: 2 },
    crashLoop: { restarts: 5, window: '30s' },
  },
  redis: { maxmemoryPolicy: 'noeviction' },
  postgres: { maxConnections: 100, databases: ['app'], user: 'postgres', password: 'postgres' },
  loadBalancer: { strategy: 'round_robin', retries: { attempts: 1, on: ['refused', 'reset'], maxBody: '64kb' } },
  faultProxy: { engine: 'auto', apiPort: 8474 },
  toxic: { stream: 'downstream', toxicity: 1 },
} as const;

export const FAULT_PROXY_ENGINES = ['auto', 'agentup', 'toxiproxy'] as const;
export const TOXIC_STREAMS = ['upstream', 'downstream'] as const;
/** Hosts agentup will talk to: it only ever sends traffic to this machine. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'] as const;
/** Names of services, apis and upstreams; depends_on and faults use them bare. */
export const DEPENDENCY_NAME = /^[a-z][a-z0-9_-]*$/;

export const RESTART_POLICIES = ['always', 'on_failure', 'never'] as const;
export const LB_STRATEGIES = ['round_robin', 'least_connections'] as const;
export const LB_RETRY_ON = ['refused', 'reset'] as const;
export const REDIS_EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;

/** Names that `depends_on` uses for the built-in dependencies, so services cannot take them. */
export const RESERVED_SERVICE_NAMES = ['redis', 'postgres', 'load_balancer'] as const;
