import path from 'node:path';
import { AgentupError, BugError } from '../../errors.ts';
import type { LoadBusEvents } from '../control/context.ts';
import { MAX_RATE, type LoadHandle, type LoadOptions, type LoadResult, type LoadSnapshot } from '../load/index.ts';
import { normaliseLoad } from '../load/options.ts';
import type { Rpc } from './remote-controls.ts';

type Done = LoadBusEvents['load_done'][0];

/**
 * Checks options here, so a bad one throws at the call like local load, and
 * turns them into JSON for `POST /loads`. Functions cannot cross processes.
 */
export function loadRequestBody(options: LoadOptions & { url?: string }, loadBalancer: string | null, simName: string): Record<string, unknown> {
  if (typeof options.body === 'function' || typeof options.expectStatus === 'function') {
    throw new AgentupError('a body or expectStatus given as a function cannot be sent to an attached simulation', {
      hint: 'put the body generator in a module and pass bodyModule, and give expectStatus as a list of statuses',
    });
  }
  const url = options.url ?? loadBalancer;
  if (!url) throw new AgentupError(`${simName} has no load balancer to send load to`, { hint: 'add a load_balancer: section, or pass url' });
  normaliseLoad({ ...options, url });
  const { body, bodyModule, ...rest } = options;
  const wire: Record<string, unknown> = { ...rest, url };
  // The simulation may run in another directory: a module path must not depend on it.
  if (bodyModule !== undefined) wire.bodyModule = path.resolve(bodyModule);
  if (body instanceof Uint8Array) wire.bodyBase64 = Buffer.from(body).toString('base64');
  else if (body !== undefined) wire.body = body;
  return wire;
}

const ZERO: LoadSnapshot = {
  elapsedMs: 0, currentRate: 0, scheduled: 0, sent: 0, inFlight: 0, ok: 0, failed: 0, dropped: 0,
  byStatus: {}, byError: {}, latency: { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, meanMs: 0 },
};

/**
 * A load run in the attached simulation's process. Its id arrives with the
 * POST answer; progress and the result arrive on the event stream (possibly
 * before the id, so the owner keeps early results until claimed).
 */
export class RemoteLoad implements LoadHandle {
  readonly done: Promise<LoadResult>;
  readonly id: Promise<string>;
  #snapshot: LoadSnapshot = ZERO;
  #settle!: { resolve: (r: LoadResult) => void; reject: (e: Error) => void };
  #finished = false;

  constructor(private readonly rpc: Rpc, body: Record<string, unknown>) {
    this.done = new Promise<LoadResult>((resolve, reject) => (this.#settle = { resolve, reject }));
    this.done.catch(() => {}); // a caller that only wanted the handle must not get an unhandled rejection
    this.id = rpc.change<{ id: string; seq: number }>('POST', '/loads', body).then((r) => r.id);
    this.id.catch((err: Error) => this.fail(err));
  }

  /** @internal: from the event stream. */
  progress(snapshot: LoadSnapshot): void {
    this.#snapshot = snapshot;
  }

  /** @internal: from the event stream. */
  finish(d: Done): void {
    if (this.#finished) return;
    this.#finished = true;
    if (d.result) {
      this.#snapshot = d.result;
      this.#settle.resolve(d.result);
    } else {
      const e = d.error!;
      this.#settle.reject(e.bug ? new BugError(e.message) : new AgentupError(e.message, { hint: e.hint }));
    }
  }

  /** @internal: the run can no longer be followed (request refused, or detached). */
  fail(err: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#settle.reject(err);
  }

  get finished(): boolean {
    return this.#finished;
  }

  stop(): void {
    void this.id.then((id) => this.rpc.change('POST', `/loads/${id}/stop`)).catch(() => {});
  }

  setRate(rate: number): void {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > MAX_RATE) {
      throw new AgentupError(`setRate needs requests per second from 0 to ${MAX_RATE}, got ${JSON.stringify(rate)}`, { hint: `use a rate up to ${MAX_RATE}/s` });
    }
    void this.id.then((id) => this.rpc.change('POST', `/loads/${id}/rate`, { rate })).catch(() => {});
  }

  /** Running totals as of the latest progress push (once a second). */
  snapshot(): LoadSnapshot {
    return this.#snapshot;
  }
}
