/**
 * Where a Docker start-up spends its time: each phase's start and end in ms
 * from the start of the run, so overlapping phases show as overlapping and
 * the critical path can be read off. The runtime reports them once, as the
 * `fields.phases` of a debug log line from `agentup` (bench/startup.ts reads it).
 */

export interface StartupPhase {
  name: string;
  startMs: number;
  endMs: number;
}

export const PHASES_LOG_MESSAGE = 'docker start-up phases';

export class StartupPhases {
  readonly #t0 = performance.now();
  readonly #phases: StartupPhase[] = [];

  /** Times `work` as phase `name`; a failed phase is recorded too, with `!` appended. */
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const startMs = this.#now();
    try {
      const result = await work();
      this.#phases.push({ name, startMs, endMs: this.#now() });
      return result;
    } catch (err) {
      this.#phases.push({ name: `${name}!`, startMs, endMs: this.#now() });
      throw err;
    }
  }

  /** A phase timed elsewhere (a replica's start to healthy, from its events). */
  record(name: string, startMs: number, endMs: number): void {
    this.#phases.push({ name, startMs: Math.round(startMs), endMs: Math.round(endMs) });
  }

  /** ms since this clock started, as used in the phases. */
  now(): number {
    return this.#now();
  }

  list(): StartupPhase[] {
    return [...this.#phases].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  }

  /** `network 0-14, postgres_template 14-20, ...`: one readable line. */
  summary(): string {
    return this.list().map((p) => `${p.name} ${p.startMs}-${p.endMs}`).join(', ');
  }

  #now(): number {
    return Math.round(performance.now() - this.#t0);
  }
}
