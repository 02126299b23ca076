import { parseDurationMs } from '../../config/units.ts';
import { AgentupError } from '../../errors.ts';
import type { VersionRouting } from '../../services/lb-versions.ts';
import type { SimEvent } from '../events.ts';
import { analyse, parseBounds, type Bound } from './analysis.ts';
import type { AnalysisResult, RolloutOptions, RolloutResult, RolloutSecond, RolloutStatus, RolloutStepRecord, RolloutStrategy, VersionLifecycle } from './types.ts';

const DEFAULT_STEPS = [5, 25, 50, 100];
const DEFAULT_ANALYSIS = { error_rate: '< 1%' };
const SERIES_SECONDS = 120;

/** What a running rollout offers: watch it, end it early by hand, await its result. */
export interface RolloutHandle {
  readonly service: string;
  readonly strategy: RolloutStrategy;
  readonly from: string;
  readonly to: string;
  status(): RolloutStatus;
  /** Sends all traffic to the new version now and ends the rollout as promoted. */
  promote(): void;
  /** Sends all traffic back to the old version now and ends the rollout as rolled back. */
  abort(reason?: string): void;
  readonly done: Promise<RolloutResult>;
}

/**
 * Starts the new version and waits until every replica is healthy, then
 * moves traffic from the version serving now to it, step by step (canary) or
 * at once (blue/green), analysing it over each interval and rolling back on
 * the first failing analysis. Both versions run during the steps, so a
 * weight change never cuts a request in flight and a rollback is instant.
 * After a rollback the new version is stopped; after a promotion the old one
 * stays running, warm for an instant switch back.
 */
export class RolloutController implements RolloutHandle {
  readonly service: string;
  readonly strategy: RolloutStrategy;
  readonly from: string;
  readonly to: string;
  readonly done: Promise<RolloutResult>;
  readonly #routing: VersionRouting & Partial<VersionLifecycle>;
  readonly #record: (e: SimEvent) => void;
  readonly #steps: number[];
  readonly #intervalMs: number;
  readonly #healthTimeoutMs: number;
  readonly #bounds: Bound[];
  readonly #minRequests: number;
  readonly #t0 = Date.now();
  #phase: RolloutStatus['phase'] = 'step';
  #stepIndex = 0;
  #records: RolloutStepRecord[] = [];
  #series: RolloutSecond[] = [];
  #ticker: NodeJS.Timeout;
  #manual: { kind: 'promote' | 'abort'; reason?: string } | null = null;
  #wake: (() => void) | null = null;
  #result: RolloutResult | null = null;

  readonly #onSecond: (second: RolloutSecond) => void;

  /** Without `startVersion`/`stopVersion` on `routing`, both versions are assumed running and the new one is only health-checked. */
  constructor(routing: VersionRouting & Partial<VersionLifecycle>, options: RolloutOptions, record: (e: SimEvent) => void, onSecond: (second: RolloutSecond) => void = () => {}) {
    this.#onSecond = onSecond;
    this.#routing = routing;
    this.#record = record;
    this.service = routing.service;
    this.strategy = options.strategy;
    if (options.strategy !== 'canary' && options.strategy !== 'blue_green') {
      throw new AgentupError(`rollout strategy ${JSON.stringify(options.strategy)} is not known`, { hint: "use strategy: 'canary' or 'blue_green'" });
    }
    const versions = routing.versions();
    // The version taking most traffic now is the old one: after a promotion the next rollout goes back.
    const [serving, other] = versions[0]!.weight >= versions[1]!.weight ? [versions[0]!, versions[1]!] : [versions[1]!, versions[0]!];
    this.from = serving.name;
    this.to = other.name;
    this.#steps = options.strategy === 'blue_green' ? [100] : (options.steps ?? DEFAULT_STEPS);
    if (this.#steps.length === 0 || this.#steps.some((w, i) => !(w > 0 && w <= 100) || (i > 0 && w < this.#steps[i - 1]!))) {
      throw new AgentupError(`rollout steps ${JSON.stringify(this.#steps)} must be percentages above 0 and up to 100, in rising order`, { hint: 'for example steps: [5, 25, 50, 100]' });
    }
    if (this.#steps.at(-1) !== 100) this.#steps = [...this.#steps, 100];
    this.#intervalMs = parseDurationMs(options.interval ?? '30s');
    this.#healthTimeoutMs = parseDurationMs(options.healthTimeout ?? '30s');
    this.#bounds = parseBounds(options.analysis ?? DEFAULT_ANALYSIS);
    this.#minRequests = options.minRequests ?? 1;
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref();
    this.done = this.#run();
  }

  status(): RolloutStatus {
    return {
      service: this.service,
      strategy: this.strategy,
      from: this.from,
      to: this.to,
      phase: this.#phase,
      step: this.#stepIndex,
      steps: [...this.#steps],
      weights: this.#weights(),
      series: [...this.#series],
      result: this.#result,
    };
  }

  promote(): void {
    this.#interrupt({ kind: 'promote' });
  }

  abort(reason = 'aborted by hand'): void {
    this.#interrupt({ kind: 'abort', reason });
  }

  #interrupt(request: { kind: 'promote' | 'abort'; reason?: string }): void {
    if (this.#result || this.#manual) return;
    this.#manual = request;
    this.#wake?.();
  }

  #weights(): Record<string, number> {
    return Object.fromEntries(this.#routing.versions().map((v) => [v.name, v.weight]));
  }

  #setWeight(next: number): void {
    this.#routing.setWeights({ [this.from]: 100 - next, [this.to]: next });
  }

  /** Waits `ms`, or less when promote()/abort() is called. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).then(() => void (this.#wake = null));
  }

  async #run(): Promise<RolloutResult> {
    this.#record({ type: 'rollout_started', ts: Date.now(), service: this.service, strategy: this.strategy, from: this.from, to: this.to, steps: [...this.#steps], intervalMs: this.#intervalMs });
    try {
      const notReady = await this.#startNew();
      if (notReady) return await this.#rollBack(notReady.reason, notReady.manual);
      for (let i = 0; i < this.#steps.length; i++) {
        if (this.#manual) break;
        const weight = this.#steps[i]!;
        this.#stepIndex = i + 1;
        this.#phase = 'step';
        this.#routing.takeWindow('analysis');
        this.#setWeight(weight);
        const record: RolloutStepRecord = { index: i + 1, weight, startMs: Date.now() - this.#t0, endMs: null, analysis: null };
        this.#records.push(record);
        this.#record({ type: 'rollout_step', ts: Date.now(), service: this.service, step: i + 1, of: this.#steps.length, weights: this.#weights() });
        await this.#sleep(this.#intervalMs);
        record.endMs = Date.now() - this.#t0;
        if (this.#manual) break;
        record.analysis = this.#analyse();
        this.#record({ type: 'rollout_analysis', ts: Date.now(), service: this.service, step: i + 1, version: this.to, weight, passed: record.analysis.passed, reason: record.analysis.reason, checks: record.analysis.checks, versions: record.analysis.versions });
        if (!record.analysis.passed) return await this.#rollBack(record.analysis.reason!, false);
      }
      const manual = this.#manual as { kind: 'promote' | 'abort'; reason?: string } | null;
      if (manual?.kind === 'abort') return await this.#rollBack(manual.reason ?? 'aborted by hand', true);
      if (manual?.kind === 'promote') return this.#finish('promoted', 'promoted by hand', true);
      const passed = this.strategy === 'blue_green' ? `${this.to} healthy, and its analysis passed after the switch` : `every step passed its analysis (${this.#steps.join(', ')}%)`;
      return this.#finish('promoted', passed, false);
    } catch (err) {
      if (!this.#result) this.#finish('rolled_back', `rollout failed: ${(err as Error).message}`, false);
      await this.#routing.stopVersion?.(this.to).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Starts the new version (a no-op when it runs already, as the old side of
   * an earlier promotion does) and waits until every replica is healthy; it
   * gets no traffic before. Returns why not, when it does not get there.
   */
  async #startNew(): Promise<{ reason: string; manual: boolean } | null> {
    this.#phase = 'health_check';
    const deadline = Date.now() + this.#healthTimeoutMs;
    let failure: Error | null = null;
    void this.#routing.startVersion?.(this.to).catch((err: Error) => {
      failure = err;
      this.#wake?.();
    });
    for (;;) {
      const v = this.#routing.versions().find((x) => x.name === this.to)!;
      if (failure) return { reason: `${this.to} did not start: ${(failure as Error).message}`, manual: false };
      if (v.healthy === v.replicas.length && v.replicas.length > 0) return null;
      if (this.#manual?.kind === 'abort') return { reason: this.#manual.reason ?? 'aborted by hand', manual: true };
      if (Date.now() >= deadline) return { reason: `${this.to} not healthy after ${this.#healthTimeoutMs}ms (${v.healthy} of ${v.replicas.length} replicas healthy)`, manual: false };
      await this.#sleep(Math.min(100, Math.max(1, deadline - Date.now())));
    }
  }

  /** Traffic back to the old version at once, then the new one is stopped. */
  async #rollBack(reason: string, manual: boolean): Promise<RolloutResult> {
    const result = this.#finish('rolled_back', reason, manual);
    await this.#routing.stopVersion?.(this.to);
    return result;
  }

  #analyse(): AnalysisResult {
    const w = this.#routing.takeWindow('analysis');
    return analyse(this.#bounds, { name: this.to, stats: w[this.to]! }, { name: this.from, stats: w[this.from]! }, this.#minRequests);
  }

  #finish(outcome: RolloutResult['outcome'], reason: string, manual: boolean): RolloutResult {
    clearInterval(this.#ticker);
    this.#setWeight(outcome === 'promoted' ? 100 : 0);
    this.#phase = 'done';
    const last = this.#records.at(-1);
    if (last && last.endMs === null) last.endMs = Date.now() - this.#t0;
    this.#result = {
      service: this.service,
      strategy: this.strategy,
      from: this.from,
      to: this.to,
      outcome,
      reason,
      manual,
      steps: this.#records,
      startedAt: this.#t0,
      durationMs: Date.now() - this.#t0,
      weights: this.#weights(),
    };
    const version = outcome === 'promoted' ? this.to : this.from;
    this.#record(outcome === 'promoted'
      ? { type: 'rollout_promoted', ts: Date.now(), service: this.service, version, reason, manual }
      : { type: 'rollout_rolled_back', ts: Date.now(), service: this.service, version, from: this.to, reason, manual });
    return this.#result;
  }

  #tick(): void {
    const w = this.#routing.takeWindow('tick');
    const versions: RolloutSecond['versions'] = {};
    for (const [name, s] of Object.entries(w)) versions[name] = { rps: s.requests, errorRate: s.errorRate, p99Ms: s.latency.p99Ms };
    const second = { ts: Date.now(), weights: this.#weights(), versions };
    this.#series.push(second);
    if (this.#series.length > SERIES_SECONDS) this.#series.shift();
    this.#onSecond(second);
  }
}
