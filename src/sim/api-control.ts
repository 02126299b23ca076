import type { RateLimitUpdate, RunningMockApi } from '../services/mock-api/index.ts';
import type { FaultHandle } from './dependency-faults.ts';
import type { SimEvent } from './events.ts';

type Emit = (event: SimEvent) => void;

/** Rate-limit hits are summarised per limit and second, so a flood of 429s is one line a second, not thousands. */
const RATE_LIMIT_EVENT_WINDOW_MS = 1000;

/**
 * Live control of one mock third-party API: HTTP-level faults that the fault
 * proxy cannot express. Changes apply to the next request; nothing restarts.
 */
export class ApiControl {
  readonly #pending = new Map<string, { route: string; count: number }>();
  #flushTimer: NodeJS.Timeout | null = null;
  readonly #unsubscribe: () => void;

  constructor(
    readonly name: string,
    private readonly mock: RunningMockApi,
    private readonly emit: Emit,
  ) {
    this.#unsubscribe = mock.on('rate_limited', (e) => this.#onRateLimited(e.limit, e.route));
  }

  /** Every request gets `status` (default 503) until the handle is removed. */
  outage(options: { status?: number; body?: unknown } = {}): Promise<FaultHandle> {
    this.mock.setOutage(options.status === undefined && options.body === undefined ? true : options);
    return this.#handle('outage', `outage (${options.status ?? 503})`, () => this.mock.setOutage(false));
  }

  /** A fraction of requests (0..1) answer `status` (default 500). */
  errorRate(fraction: number, status = 500): Promise<FaultHandle> {
    this.mock.setErrorRate(fraction, status);
    return this.#handle('error_rate', `${Math.round(fraction * 100)}% of requests answer ${status}`, () => this.mock.setErrorRate(0));
  }

  /**
   * Changes (or adds, by route name) a rate limit. Removing the handle puts
   * back the fixture's own limit, or drops one that the fixture did not have.
   */
  rateLimit(nameOrRoute: string, update: RateLimitUpdate): Promise<FaultHandle> {
    const original = this.mock.definition.rateLimits.find((l) => l.name === nameOrRoute);
    this.mock.setRateLimit(nameOrRoute, update);
    const text = `rate limit ${nameOrRoute}: ${JSON.stringify(update)}`;
    return this.#handle(`rate_limit_${nameOrRoute}`, text, () => {
      if (original) {
        const { name: _name, ...spec } = original;
        this.mock.setRateLimit(nameOrRoute, spec as RateLimitUpdate);
      } else {
        this.mock.setRateLimit(nameOrRoute, null);
      }
    });
  }

  /** Ends outages and error rates, and switches off the fixture's own faults. */
  clearFaults(): void {
    this.mock.clearFaults();
  }

  resetCounters(): void {
    this.mock.resetCounters();
  }

  counters() {
    return this.mock.counters();
  }

  journal(options: { limit?: number } = {}) {
    return this.mock.journal(options);
  }

  /** @internal */
  dispose(): void {
    this.#unsubscribe();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
  }

  async #handle(fault: string, description: string, undo: () => void): Promise<FaultHandle> {
    this.emit({ type: 'fault_added', ts: Date.now(), target: this.name, fault, kind: fault, description });
    let removed = false;
    return {
      target: this.name,
      name: fault,
      description,
      remove: async () => {
        if (removed) return;
        removed = true;
        undo();
        this.emit({ type: 'fault_removed', ts: Date.now(), target: this.name, fault });
      },
    };
  }

  #onRateLimited(limit: string, route: string): void {
    const pending = this.#pending.get(limit);
    if (pending) {
      pending.count++;
      return;
    }
    // The first hit is reported at once; the rest of the window as one summary.
    this.emit({ type: 'rate_limited', ts: Date.now(), api: this.name, limit, route, count: 1 });
    this.#pending.set(limit, { route, count: 0 });
    this.#flushTimer ??= setTimeout(() => this.#flush(), RATE_LIMIT_EVENT_WINDOW_MS);
  }

  #flush(): void {
    this.#flushTimer = null;
    for (const [limit, { route, count }] of this.#pending) {
      if (count > 0) this.emit({ type: 'rate_limited', ts: Date.now(), api: this.name, limit, route, count });
    }
    this.#pending.clear();
  }
}
