import type { SupervisorEvent } from '../services/supervisor-events.ts';
import type { RolloutEvent } from './rollout/events.ts';
import { describeRolloutEvent } from './rollout/events.ts';

/**
 * Everything that happens in a simulation, in one typed stream with epoch-ms
 * timestamps. Front-ends (CLI, terminal UI, reports) consume only this.
 */
export type SimEvent =
  | SupervisorEvent
  | RolloutEvent
  | { type: 'simulation_starting'; ts: number; name: string; runtime: string; file: string; /** Why this runtime: `auto: Docker engine at ...`, `asked for`, ... */ reason?: string }
  | { type: 'component_starting'; ts: number; component: string; kind: ComponentKind }
  | { type: 'component_ready'; ts: number; component: string; kind: ComponentKind; startupMs: number; address?: string }
  | { type: 'dependency_exited'; ts: number; component: string; code: number | null; signal: string | null }
  | { type: 'backend_down'; ts: number; replica: string; reason: string }
  /** The load balancer sent a request that failed on `replica` to `to` (load_balancer.retries). */
  | { type: 'request_retried'; ts: number; replica: string; to: string; reason: string; method: string }
  | { type: 'fault_added'; ts: number; target: string; fault: string; kind: string; description: string }
  | { type: 'fault_removed'; ts: number; target: string; fault: string }
  | { type: 'faults_reset'; ts: number }
  | { type: 'load_started'; ts: number; url: string; path: string; description: string }
  | { type: 'load_finished'; ts: number; sent: number; ok: number; failed: number; dropped: number; p99Ms: number; achievedRate: number }
  | { type: 'rate_limited'; ts: number; api: string; limit: string; route: string; count: number }
  | { type: 'simulation_ready'; ts: number; startupMs: number }
  | { type: 'simulation_stopping'; ts: number; reason: string }
  | { type: 'simulation_stopped'; ts: number };

export type ComponentKind = 'fault_proxy' | 'redis' | 'postgres' | 'api' | 'service' | 'load_balancer';

export type SimEventType = SimEvent['type'];

export type SimEventMap = { event: [SimEvent] };

/** One line a person can read, for the plain event log (non-TTY and `up`). */
export function describeEvent(e: SimEvent): string {
  switch (e.type) {
    case 'simulation_starting':
      return `starting ${e.name} (${e.file}) with the ${e.runtime} runtime${e.reason ? ` (${e.reason})` : ''}`;
    case 'component_starting':
      return `${e.component}: starting`;
    case 'component_ready':
      return `${e.component}: ready in ${Math.round(e.startupMs)}ms${e.address ? ` on ${e.address}` : ''}`;
    case 'dependency_exited':
      return `${e.component}: exited unexpectedly (${e.signal ? `signal ${e.signal}` : `code ${e.code}`})`;
    case 'fault_added':
      return `${e.target}: fault ${e.fault} added (${e.description})`;
    case 'fault_removed':
      return `${e.target}: fault ${e.fault} removed`;
    case 'rate_limited':
      return `${e.api}: rate limit ${e.limit} hit on ${e.route}${e.count > 1 ? ` (${e.count} times)` : ''}`;
    case 'load_started':
      return `load: ${e.description} on ${e.path}`;
    case 'load_finished':
      return `load finished: ${e.sent} sent at ${Math.round(e.achievedRate)}/s, ${e.failed} failed, ${e.dropped} dropped, p99 ${e.p99Ms.toFixed(1)}ms`;
    case 'faults_reset':
      return 'every fault removed';
    case 'backend_down':
      return `load balancer: ${e.replica} marked down (${e.reason})`;
    case 'request_retried':
      return `load balancer: ${e.method} retried on ${e.to} after ${e.replica} failed (${e.reason})`;
    case 'simulation_ready':
      return `all healthy in ${Math.round(e.startupMs)}ms`;
    case 'simulation_stopping':
      return `stopping (${e.reason})`;
    case 'simulation_stopped':
      return 'stopped; nothing left running';
    case 'replica_starting':
      return `${e.replica}: starting (pid ${e.pid}, port ${e.port}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`;
    case 'replica_healthy':
      return `${e.replica}: healthy after ${Math.round(e.startupMs)}ms`;
    case 'replica_unhealthy':
      return `${e.replica}: unhealthy after ${e.failures} failed checks (${e.reason})`;
    case 'replica_crashed':
      return `${e.replica}: crashed (${e.signal ? `signal ${e.signal}` : `exit code ${e.code}`})`;
    case 'replica_oom_killed':
      return `${e.replica}: OOMKilled at ${Math.round(e.rssBytes / 1048576)}MB RSS (limit ${Math.round(e.limitBytes / 1048576)}MB), exit 137`;
    case 'replica_restarting':
      return `${e.replica}: restarting in ${e.delayMs}ms (restart ${e.attempt}${e.manual ? ', manual' : ''})`;
    case 'replica_crash_loop':
      return `${e.replica}: crash loop, ${e.restarts} restarts within ${Math.round(e.windowMs / 1000)}s`;
    case 'replica_paused':
      return `${e.replica}: paused (SIGSTOP)`;
    case 'replica_resumed':
      return `${e.replica}: resumed (SIGCONT)`;
    case 'replica_stopped':
      return `${e.replica}: stopped (exit ${e.exitCode})`;
    case 'rollout_started':
    case 'rollout_step':
    case 'rollout_analysis':
    case 'rollout_promoted':
    case 'rollout_rolled_back':
      return describeRolloutEvent(e);
  }
}
