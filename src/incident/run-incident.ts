import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeEvent, type SimEvent } from '../sim/events.ts';
import type { LoadHandle, LoadResult } from '../sim/load/types.ts';
import type { Simulation } from '../sim/simulation.ts';
import { FaultBook } from './actions.ts';
import { describeAction, endOf } from './build-incident.ts';
import { watchCheckpoint, type TimedSecond } from './checkpoint.ts';
import { environmentSource } from './environment-source.ts';
import type { Journal, ObjectiveResult } from './journal.ts';
import { measureLoad, measureOverall } from './measure.ts';
import { evaluate, formatValue, type Measured, type Objective } from './objective.ts';
import { runProbe } from './probe.ts';
import type { RuntimeName } from '../config/types.ts';
import type { Incident, LoadPhase, Probe } from './types.ts';
import { toxicityRollsSince, toxicitySnapshot } from './toxicity-rolls.ts';
import { finishRollouts, startRolloutStep, type RunningRollout } from './rollout-step.ts';

export interface RunIncidentOptions {
  /** Base process env (the incident's `env:` goes over it); default process.env. */
  env?: NodeJS.ProcessEnv;
  faultProxyPort?: number;
  /** Ends the timeline early; rollbacks and the stop still run. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Every event and step as one line, with ms from the start of the timeline. */
  onLine?: (tMs: number, text: string) => void;
  /**
   * Play the timeline on this running simulation (the terminal UI's) instead
   * of starting the incident's environment; it is left running afterwards.
   * The incident's `overrides` and `env` cannot apply to it.
   */
  simulation?: Simulation;
  /** auto, process or docker; wins over the environment file's `runtime:` and AGENTUP_RUNTIME, as everywhere. */
  runtime?: RuntimeName;
}

export interface Progress {
  tMs: number;
  totalMs: number;
  phases: string[];
  rps: number;
  errorRate: number;
  p99Ms: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function verdict(id: string, scope: ObjectiveResult['scope'], name: string, objective: Objective, measured: Measured): ObjectiveResult {
  if (measured.count === 0) return { id, scope, name, text: objective.text, passed: false, metric: objective.metric, detail: 'no requests were measured' };
  const v = evaluate(objective, measured);
  return { id, scope, name, text: objective.text, passed: v.passed, metric: objective.metric, measured: v.measured, threshold: v.threshold, detail: `${formatValue(objective.metric, v.measured)} (bound ${formatValue(objective.metric, v.threshold)})` };
}

/**
 * Replays an incident: starts its environment (throws if that fails: a setup
 * error), checks the steady state before, runs the timeline while probing,
 * always runs the rollbacks, checks again after, stops everything and
 * returns the journal with every verdict.
 */
export async function runIncident(incident: Incident, options: RunIncidentOptions = {}): Promise<Journal> {
  const { startSimulation } = await import('../sim/simulation.ts');
  const journal: Journal = {
    version: 1,
    incident: { name: incident.name, file: incident.file, description: incident.description, environment: path.relative(process.cwd(), incident.environment), seed: incident.seed, timeScale: incident.timeScale, totalMs: incident.totalMs, overrides: incident.overrides },
    startedAt: Date.now(), endedAt: 0, outcome: 'error',
    schedule: incident.steps.map((s) => ({ index: s.index, atMs: s.atMs, description: s.description })),
    steps: [], rollbacks: [], objectives: [], probes: [], phases: [], faults: [], series: [], events: [],
  };
  let t0 = performance.now() + 1e12; // until the timeline starts, times are negative
  const now = () => Math.round(performance.now() - t0);
  const line = (text: string) => options.onLine?.(now(), text);
  const { source, dir } = await environmentSource(incident);
  const bodyDir = await mkdtemp(path.join(os.tmpdir(), 'agentup-incident-'));
  let sim: Simulation | null = null;
  const onEvent = (e: SimEvent) => {
    const tMs = t0 > performance.now() ? -1 : now();
    journal.events.push({ tMs, type: e.type, text: describeEvent(e) });
    if (tMs >= 0) line(describeEvent(e));
  };
  const borrowed = options.simulation ?? null;
  try {
    if (borrowed) {
      sim = borrowed;
      sim.on('event', onEvent);
    } else {
      sim = await startSimulation(source, {
        seed: incident.seed, dir, faultProxyPort: options.faultProxyPort, runtime: options.runtime,
        env: { ...(options.env ?? process.env), ...incident.env },
        onEvent,
      });
    }
    const rollsBefore = await toxicitySnapshot(sim);
    await replay(sim, incident, journal, { ...options, bodyDir, startClock: () => (t0 = performance.now()), now, line });
    journal.toxicity = await toxicityRollsSince(sim, rollsBefore);
    journal.outcome = journal.objectives.every((o) => o.passed) ? 'passed' : 'failed';
  } catch (err) {
    if (!sim) throw err;
    journal.outcome = 'error';
    journal.error = (err as Error).message;
  } finally {
    if (borrowed) borrowed.off('event', onEvent);
    else await sim?.stop('incident finished');
    await rm(bodyDir, { recursive: true, force: true });
    journal.endedAt = Date.now();
  }
  return journal;
}

interface ReplayContext extends RunIncidentOptions {
  bodyDir: string;
  startClock: () => void;
  now: () => number;
  line: (text: string) => void;
}

async function replay(sim: Simulation, incident: Incident, journal: Journal, ctx: ReplayContext): Promise<void> {
  const lb = sim.endpoints().loadBalancer;
  const probe = async (p: Probe, when: 'before' | 'during' | 'after') => {
    const outcome = lb ? await runProbe(lb, p) : { ok: false, status: 0, ms: 0, detail: 'the environment has no load balancer' };
    journal.probes.push({ name: p.name, when, tMs: ctx.now(), ...outcome });
    if (!outcome.ok) ctx.line(`probe ${p.name} (${when}) failed: ${outcome.detail}`);
  };
  for (const p of incident.steadyState.probes) await probe(p, 'before');

  const series: TimedSecond[] = [];
  const running = new Map<string, LoadHandle>();
  const loads: Array<{ phase: LoadPhase; startMs: number; done: Promise<LoadResult> }> = [];
  const checkpoints: Array<Promise<ObjectiveResult>> = [];
  const rollouts: RunningRollout[] = [];
  const book = new FaultBook(sim, journal.faults, ctx.now);
  let ended = false;
  const onMetrics = (second: Parameters<Parameters<Simulation['on']>[1]>[0]) => {
    const s = second as TimedSecond['second'];
    const tMs = ctx.now();
    if (tMs < 0) return;
    series.push({ tMs, second: s });
    journal.series.push({ tMs, rps: s.overall.rps, errorRate: s.overall.errorRate, p50Ms: s.overall.p50Ms, p99Ms: s.overall.p99Ms });
    ctx.onProgress?.({ tMs, totalMs: incident.totalMs, phases: [...running.keys()], rps: s.overall.rps, errorRate: s.overall.errorRate, p99Ms: s.overall.p99Ms });
  };
  sim.on('metrics', onMetrics as never);
  // Loads due at 0 start first and the clock starts once they send: a load
  // worker takes a moment to start, and a fault due at 2s must meet traffic.
  const early = new Map<number, LoadHandle>();
  for (const step of incident.steps.filter((s) => s.atMs === 0 && s.action.type === 'load')) {
    early.set(step.index, await startPhase(sim, (step.action as Extract<typeof step.action, { type: 'load' }>).load, ctx.bodyDir));
  }
  const warmDeadline = Date.now() + 20_000;
  while ([...early.values()].some((h) => h.snapshot().sent === 0) && Date.now() < warmDeadline) await sleep(20);
  ctx.startClock();
  const probing = (async () => {
    while (!ended && !ctx.signal?.aborted) {
      await sleep(incident.steadyState.probeIntervalMs, ctx.signal);
      if (ended) break;
      await Promise.all(incident.steadyState.probes.map((p) => probe(p, 'during')));
    }
  })();
  try {
    for (const step of incident.steps) {
      await sleep(step.atMs - ctx.now(), ctx.signal);
      if (ctx.signal?.aborted) break;
      const record: Journal['steps'][number] = { index: step.index, atMs: step.atMs, tMs: ctx.now(), description: step.description, ok: true };
      journal.steps.push(record);
      ctx.line(step.description);
      const a = step.action;
      try {
        if (a.type === 'load') {
          const handle = early.get(step.index) ?? (await startPhase(sim, a.load, ctx.bodyDir));
          running.set(a.load.name, handle);
          const startMs = ctx.now();
          const done = handle.done.finally(() => running.delete(a.load.name));
          loads.push({ phase: a.load, startMs, done });
        } else if (a.type === 'expect') {
          checkpoints.push(watchCheckpoint(a, step.atMs, () => series, ctx.now, () => ctx.signal?.aborted === true));
        } else if (a.type === 'probe') {
          await probe(a.probe, 'during');
        } else if (a.type === 'rollout') {
          rollouts.push(startRolloutStep(sim, a));
        } else if (a.type !== 'wait') {
          await book.apply(a);
        }
      } catch (err) {
        record.ok = false;
        record.error = (err as Error).message;
        ctx.line(`step failed: ${record.error}`);
      }
    }
    // A rollout that ends early (rolled back at its first step) does not hold the timeline to its longest run.
    const othersEndMs = Math.max(0, ...incident.steps.filter((s) => s.action.type !== 'rollout').map(endOf));
    const rolloutsDone = rollouts.length === 0 ? new Promise<void>(() => {}) : Promise.allSettled(rollouts.map((r) => r.done)).then(() => sleep(othersEndMs - ctx.now(), ctx.signal));
    await Promise.race([sleep(incident.totalMs - ctx.now(), ctx.signal), rolloutsDone]);
    if (ctx.signal?.aborted) for (const h of running.values()) h.stop();
    journal.objectives.push(...(await Promise.all(checkpoints)));
  } finally {
    ended = true;
    // A rollout still running when the timeline ends goes back to the old version.
    for (const r of rollouts) r.abort();
    journal.objectives.push(...(await finishRollouts(rollouts, journal)));
    await rollback(book, incident, journal, ctx);
    const results = await Promise.allSettled(loads.map((l) => l.done));
    await probing;
    sim.off('metrics', onMetrics as never);
    const done: LoadResult[] = [];
    results.forEach((r, i) => {
      const { phase, startMs } = loads[i]!;
      if (r.status === 'rejected') {
        journal.objectives.push({ id: `phase ${phase.name}: load`, scope: 'phase', name: phase.name, text: 'load ran', passed: false, detail: (r.reason as Error).message });
        return;
      }
      done.push(r.value);
      journal.phases.push(phaseResult(phase, startMs, startMs + r.value.sendDurationMs, r.value));
      for (const o of phase.objectives) journal.objectives.push(verdict(`phase ${phase.name}: ${o.text}`, 'phase', phase.name, o, measureLoad(r.value)));
    });
    for (const o of incident.steadyState.objectives) journal.objectives.push(verdict(`overall: ${o.text}`, 'overall', incident.name, o, measureOverall(done)));
  }
  for (const p of incident.steadyState.probes) await probe(p, 'after');
  journal.objectives.push(...probeVerdicts(incident.steadyState.probes, journal));
  if (ctx.signal?.aborted) throw new Error('interrupted before the timeline ended');
}

async function rollback(book: FaultBook, incident: Incident, journal: Journal, ctx: ReplayContext): Promise<void> {
  for (const action of [...incident.rollbacks, { type: 'reset_faults' as const }]) {
    const record = { description: describeAction(action), tMs: ctx.now(), ok: true } as Journal['rollbacks'][number];
    try {
      if (action.type === 'reset_faults') await book.undoAll();
      else await book.apply(action);
    } catch (err) {
      record.ok = false;
      record.error = (err as Error).message;
    }
    journal.rollbacks.push(record);
  }
}

async function startPhase(sim: Simulation, phase: LoadPhase, bodyDir: string): Promise<LoadHandle> {
  let bodyModule: string | undefined;
  if (phase.body === 'tickets') {
    // A module per phase: the generator only gets (i, random), and each load starts at i = 0.
    bodyModule = path.join(bodyDir, `${phase.name.replace(/[^a-zA-Z0-9_-]/g, '_')}.mjs`);
    const tickets = new URL('./ticket-body.ts', import.meta.url).href;
    await writeFile(bodyModule, `import { ticketsFor } from ${JSON.stringify(tickets)};\nexport default ticketsFor(${JSON.stringify(phase.name)}, ${phase.repeat});\n`);
  }
  return sim.startLoad({
    path: phase.path,
    method: phase.method,
    ...(bodyModule ? { bodyModule, headers: { 'content-type': 'application/json' } } : phase.body !== 'none' ? { body: phase.body } : {}),
    stages: phase.stages,
    timeoutMs: phase.timeoutMs,
    maxInFlight: phase.maxInFlight,
  });
}

function phaseResult(phase: LoadPhase, startMs: number, endMs: number, r: LoadResult): Journal['phases'][number] {
  const m = measureLoad(r);
  const { p50Ms, p90Ms, p99Ms, p999Ms, maxMs, meanMs } = r.latency;
  return { name: phase.name, startMs, endMs, sent: r.sent, ok: r.ok, failed: r.failed, dropped: r.dropped, byStatus: r.byStatus, requestedRate: r.requestedRate, achievedRate: r.achievedRate, goodputRate: m.rate, latency: { p50Ms, p90Ms, p99Ms, p999Ms, maxMs, meanMs }, seed: r.seed };
}

function probeVerdicts(probes: Probe[], journal: Journal): ObjectiveResult[] {
  return probes.flatMap((p) =>
    (['before', 'during', 'after'] as const).flatMap((when): ObjectiveResult[] => {
      const checks = journal.probes.filter((c) => c.name === p.name && c.when === when);
      if (checks.length === 0) return [];
      const failed = checks.filter((c) => !c.ok);
      const allowed = when === 'during' ? p.maxFailuresDuring : 0;
      const text = `${p.method} ${p.path} -> ${p.status}${p.json ? ` with ${p.json.path} = ${JSON.stringify(p.json.equals)}` : ''}`;
      return [{
        id: `probe ${p.name} (${when})`, scope: 'probe', name: p.name, text, passed: failed.length <= allowed,
        measured: failed.length, threshold: allowed,
        detail: failed.length === 0 ? `${checks.length} of ${checks.length} checks passed` : `${failed.length} of ${checks.length} checks failed (allowed ${allowed}); first: ${failed[0]!.detail}`,
      }];
    }),
  );
}
