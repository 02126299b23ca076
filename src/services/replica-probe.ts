/**
 * The health-check life of one replica incarnation: readiness polled fast
 * until the first success (bounded by the startup timeout), then liveness
 * every `intervalMs`, failing after `retries` consecutive misses once the
 * start period is over. It only reports; the supervisor decides what follows.
 */
import type { HealthCheck } from '../config/types.ts';
import { probeHttp, probeTarget, probeTcp, type ProbeResult } from './health-check.ts';

export interface ProbeLoopOptions {
  /** Replica id, for messages. */
  id: string;
  port: number;
  /** Null: readiness is a TCP connect, and there is no liveness probe. */
  healthCheck: HealthCheck | null;
  startedAt: number;
  startupTimeoutMs: number;
  readyPollMs: number;
  /** False once the incarnation is gone or replaced: the loop ends quietly. */
  alive: () => boolean;
  onReady: () => void;
  /** Not ready in time; `message` quotes the target, the timeout and the last probe. */
  onNotReady: (message: string) => void;
  onUnhealthy: (reason: string, failures: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runProbeLoop(o: ProbeLoopOptions): Promise<void> {
  const hc = o.healthCheck;
  const probe = (timeoutMs: number): Promise<ProbeResult> =>
    hc ? probeHttp(o.port, hc.path, timeoutMs) : probeTcp(o.port, timeoutMs);
  let last: ProbeResult = { ok: false, reason: 'no probe yet' };
  for (;;) {
    const elapsed = Date.now() - o.startedAt;
    if (elapsed >= o.startupTimeoutMs) {
      const target = probeTarget(hc?.path ?? null, o.port);
      return o.onNotReady(`${target} on ${o.id} not ready after ${o.startupTimeoutMs}ms (last probe: ${last.reason})`);
    }
    last = await probe(Math.min(hc?.timeoutMs ?? 1000, o.startupTimeoutMs - elapsed));
    if (!o.alive()) return;
    if (last.ok) break;
    await sleep(o.readyPollMs);
    if (!o.alive()) return;
  }
  o.onReady();
  if (!hc) return;
  let failures = 0;
  for (;;) {
    await sleep(hc.intervalMs);
    if (!o.alive()) return;
    const result = await probe(hc.timeoutMs);
    if (!o.alive()) return;
    if (result.ok) {
      failures = 0;
      continue;
    }
    if (Date.now() - o.startedAt < hc.startPeriodMs) continue;
    failures += 1;
    if (failures >= hc.retries) return o.onUnhealthy(`${probeTarget(hc.path, o.port)} failed ${failures} times: ${result.reason}`, failures);
  }
}
