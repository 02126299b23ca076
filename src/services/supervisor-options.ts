/** What a ServiceSupervisor is given: the service, its ports and env, and tuning knobs. */
import type { ServiceConfig } from '../config/types.ts';

/** Whatever keeps track of process groups for the parent-death reaper. */
export interface ProcessTracker {
  trackGroup(pgid: number): void;
  untrackGroup(pgid: number): void;
}

export type SupervisedService = Pick<
  ServiceConfig,
  'name' | 'cwd' | 'portEnv' | 'healthCheck' | 'restart' | 'memoryLimitMb' | 'startupTimeoutMs'
> & { command: string | string[] };

export interface ServiceSupervisorOptions {
  service: SupervisedService;
  /** One port per replica; the replica count is `ports.length`. A restart reuses the port. */
  ports: number[];
  /** Fully resolved env (no inheritance); the port env var is added per replica. */
  env: Record<string, string> | ((index: number) => Record<string, string>);
  /** SIGTERM-to-SIGKILL grace on stop. Default 3000. */
  stopGraceMs?: number;
  /** Readiness poll period until first healthy. Default 25. */
  readyPollMs?: number;
  /** RSS sampling period for memory_limit_mb. Default 200. */
  memoryPollMs?: number;
  /** Healthy this long before dying resets the backoff. Default 10000. */
  backoffResetMs?: number;
  tracker?: ProcessTracker;
}
