import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentupError, BugError } from '../../errors.ts';
import type { MockApiCounters } from './counters.ts';
import { MockApiEngine } from './engine.ts';
import type { MockApiEventMap, MockApiEventName } from './events.ts';
import type { JournalEntry } from './journal.ts';
import { compileBody } from './compile.ts';
import { liveRateLimit, type RateLimitUpdate } from './live-rate-limit.ts';
import type { MockApiDefinition } from './types.ts';

export interface StartMockApiOptions {
  /** Only loopback is allowed. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seeds weights, error fractions and latency; the same seed and request order repeat a run. */
  seed?: number;
  /** Overrides the fixture's name (e.g. the key under `apis:` in an environment). */
  name?: string;
}

export type OutageSetting = boolean | { status?: number; body?: unknown };

/** A mock API listening on 127.0.0.1; every control call applies to the next request. */
export class RunningMockApi {
  readonly url: string;
  readonly port: number;

  constructor(
    private readonly server: http.Server,
    private readonly engine: MockApiEngine,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  get name(): string {
    return this.engine.def.name;
  }

  /** The seed actually used (random when none was given), to repeat a run. */
  get seed(): number {
    return this.engine.seed;
  }

  get definition(): MockApiDefinition {
    return this.engine.def;
  }

  /** `true`: every request gets 503 until `setOutage(false)`. */
  setOutage(on: OutageSetting): void {
    if (on === false) {
      this.engine.outage = null;
      return;
    }
    const o = on === true ? {} : on;
    const status = checkStatus(o.status ?? 503, 'setOutage status');
    const body = o.body ?? { error: `${this.name} is unavailable (simulated outage)`, status };
    this.engine.outage = { status, body: compileBody(typeof body === 'string' ? { kind: 'text', value: body } : { kind: 'json', value: body as never }) };
  }

  /** A fraction (0..1) of requests answered with `status`; 0 turns it off. */
  setErrorRate(fraction: number, status = 500): void {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new AgentupError(`error rate ${fraction} for mock API "${this.name}" is not a fraction`, { hint: 'use a number from 0 to 1, e.g. 0.05 for 5%' });
    }
    checkStatus(status, 'setErrorRate status');
    this.engine.liveErrorFault = fraction === 0 ? null : {
      id: 'live.error_rate', kind: 'error', trigger: { on: 'fraction', fraction }, status,
      body: { kind: 'json', value: { error: 'injected error', status } }, delayMs: 0,
    };
    this.engine.rebuildFaults();
  }

  /**
   * Changes the rate limit called `nameOrRoute` (its count starts over), or adds
   * one for the route of that name; `null` removes it.
   */
  setRateLimit(nameOrRoute: string, spec: RateLimitUpdate | null): void {
    this.engine.limits = liveRateLimit(this.engine.def, this.engine.limits, nameOrRoute, spec);
    this.engine.rebuildLimits();
  }

  /** Ends the outage, the live error rate and the fixture's own faults. */
  clearFaults(): void {
    this.engine.outage = null;
    this.engine.liveErrorFault = null;
    this.engine.fixtureFaultsOn = false;
    this.engine.rebuildFaults();
  }

  /** Turns the fixture's faults back on after `clearFaults()`. */
  restoreFixtureFaults(): void {
    this.engine.fixtureFaultsOn = true;
    this.engine.rebuildFaults();
  }

  /** Zeroes counters, the journal, rate-limit windows and nth/first-N fault counts. */
  resetCounters(): void {
    this.engine.counters.reset();
    this.engine.journal.clear();
    this.engine.faultState.reset();
    this.engine.sequence.fill(0);
    this.engine.rebuildLimits();
  }

  journal(options: { limit?: number } = {}): JournalEntry[] {
    return this.engine.journal.read(options.limit);
  }

  counters(): MockApiCounters {
    return this.engine.counters.snapshot();
  }

  /** Returns a function that removes the listener. */
  on<K extends MockApiEventName>(event: K, listener: (e: MockApiEventMap[K]) => void): () => void {
    return this.engine.events.on(event, listener);
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.engine.cancelTimers();
    this.server.closeAllConnections();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

export async function startMockApi(def: MockApiDefinition, options: StartMockApiOptions = {}): Promise<RunningMockApi> {
  if (options.host !== undefined && options.host !== '127.0.0.1') {
    throw new AgentupError(`mock API host "${String(options.host)}" is not allowed`, { hint: 'mock APIs listen on 127.0.0.1 only' });
  }
  const named = options.name ? { ...def, name: options.name } : def;
  const seed = options.seed ?? ((Date.now() ^ (process.pid << 8)) >>> 0);
  const engine = new MockApiEngine(named, seed);
  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    try {
      engine.handle(req, res);
    } catch (err) {
      // Never let one request take the mock down: answer 500 and carry on.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `mock API "${named.name}" failed: ${String(err)}`, status: 500, bug: true }));
      } else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new AgentupError(`port ${options.port} for mock API "${named.name}" is in use`, { hint: 'pick another port or use 0 for a free one', cause: err })
        : new BugError(`mock API "${named.name}" could not listen: ${err.message}`));
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return new RunningMockApi(server, engine);
}

function checkStatus(status: number, what: string): number {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new AgentupError(`${what} ${status} is not an HTTP status`, { hint: 'use a number from 100 to 599, e.g. 503' });
  }
  return status;
}
