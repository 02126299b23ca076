/**
 * What a ServiceSupervisor reports. Every event names its replica (`triage-1`,
 * 1-based) and carries a timestamp; each is emitted under its own name and
 * also on `event`, so one listener can follow everything in order.
 */
import type { LogLine } from './log-lines.ts';
import type { ExitReason } from './replica.ts';

export type ReplicaStatus =
  | 'starting'
  | 'healthy'
  | 'unhealthy'
  | 'crashed'
  | 'restarting'
  | 'oom_killed'
  | 'paused'
  | 'stopped';

interface Base {
  /** Epoch milliseconds. */
  ts: number;
  service: string;
  /** `<service>-<index + 1>`. */
  replica: string;
  index: number;
}

export type SupervisorEvent =
  | (Base & { type: 'replica_starting'; pid: number; port: number; attempt: number })
  | (Base & { type: 'replica_healthy'; pid: number; port: number; startupMs: number })
  | (Base & { type: 'replica_unhealthy'; reason: string; failures: number })
  | (Base & {
      type: 'replica_crashed';
      code: number | null;
      signal: NodeJS.Signals | null;
      exitCode: number;
      reason: ExitReason;
      lastLines: LogLine[];
    })
  | (Base & { type: 'replica_oom_killed'; rssBytes: number; limitBytes: number; exitCode: 137; lastLines: LogLine[] })
  | (Base & { type: 'replica_restarting'; attempt: number; delayMs: number; manual: boolean })
  | (Base & { type: 'replica_crash_loop'; restarts: number; windowMs: number })
  | (Base & { type: 'replica_paused' })
  | (Base & { type: 'replica_resumed' })
  | (Base & { type: 'replica_stopped'; exitCode: number });

export type SupervisorEventType = SupervisorEvent['type'];

type EventOf<T extends SupervisorEventType> = Extract<SupervisorEvent, { type: T }>;

export type SupervisorEventMap = { [T in SupervisorEventType]: [EventOf<T>] } & {
  event: [SupervisorEvent];
  log: [LogLine];
};

export interface ReplicaSnapshot {
  id: string;
  index: number;
  port: number;
  pid: number | null;
  status: ReplicaStatus;
  /** Restarts so far (automatic and manual). */
  restarts: number;
  /** Last sampled resident memory; 0 when not measured. */
  rssBytes: number;
  /** Epoch ms the current incarnation was spawned; null before the first. */
  startedAt: number | null;
  lastExit: { reason: ExitReason; exitCode: number; ts: number } | null;
  inCrashLoop: boolean;
}
