/**
 * The open-model generator: sends request k at its scheduled time whatever
 * the service does, and measures latency from that intended time (so a
 * stall of the service or of this event loop shows up in the figures instead
 * of quietly lowering the load: no coordinated omission). Runs the same in a
 * worker thread or inline; each request in flight has its own keep-alive
 * connection (connections.ts), so nothing queues inside the HTTP client.
 * Requests are prebuilt bytes on raw sockets (request-bytes.ts,
 * http-connection.ts): per request there is one small object and no closure,
 * promise or timer, which is what lets it keep up with autocannon.
 */
import { Connections, type ConnectionEvents } from './connections.ts';
import type { HttpConnection } from './http-connection.ts';
import { SeededRandom } from '../../proxy/random.ts';
import { errorKind, LoadTimeoutError } from './error-kind.ts';
import type { InlineOnly, NormalisedLoad } from './options.ts';
import { loadResult } from './load-result.ts';
import { Pacer } from './pacer.ts';
import { Recorder } from './recorder.ts';
import { requestBytes } from './request-bytes.ts';
import { targetOf } from './target.ts';
import { Schedule } from './schedule.ts';
import type { BodyGenerator, LoadResult, LoadSecond, LoadSnapshot } from './types.ts';

class Exchange {
  sentAtMs = 0;
  conn: HttpConnection | null = null;
  constructor(readonly intendedMs: number, readonly bytes: Buffer) {}
}

export class LoadEngine implements ConnectionEvents {
  readonly #load: NormalisedLoad;
  readonly #schedule: Schedule;
  readonly #recorder: Recorder;
  readonly #connections: Connections;
  readonly #isOk: (status: number) => boolean;
  readonly #inFlight = new Set<Exchange>();
  /** FIFO (array + head) of requests waiting for a connection. */
  #waiting: Exchange[] = [];
  #waitingHead = 0;
  readonly #gap: () => number;
  readonly #request: (i: number) => Buffer;
  readonly #noBody: boolean;
  readonly #plannedEndMs: number;
  #t0 = 0;
  #startedAt = 0;
  #position = 0;
  #index = 0;
  #sendEndMs: number | null = null;
  readonly #pacer: Pacer;
  #secondTimer: NodeJS.Timeout | null = null;
  #sweeper: NodeJS.Timeout | null = null;
  #finish: ((result: LoadResult) => void) | null = null;
  #fail: ((err: unknown) => void) | null = null;
  #stoppedEarly = false;
  #lastSendMs = 0;

  /** `sleepMs` blocks the thread for a fraction of a millisecond; pass it only off the main thread. */
  constructor(
    load: NormalisedLoad,
    inline: InlineOnly & { bodyGenerator?: BodyGenerator },
    onTick: (second: LoadSecond) => void,
    sleepMs?: (ms: number) => void,
  ) {
    this.#load = load;
    this.#pacer = new Pacer(this.#pump, () => this.#untilNextMs(), sleepMs);
    this.#schedule = new Schedule(load.segments);
    this.#plannedEndMs = this.#schedule.endMs;
    this.#recorder = new Recorder((ms) => this.#schedule.rateAt(ms), onTick);
    const random = new SeededRandom(load.seed);
    const arrivals = random.stream('arrival');
    this.#gap = load.arrival === 'poisson' ? () => -Math.log(1 - arrivals()) : () => 1;
    this.#position = load.arrival === 'poisson' ? this.#gap() : 0;
    const expected = load.expectStatus && new Set(load.expectStatus);
    this.#isOk = inline.statusPredicate ?? (expected ? (s) => expected.has(s) : (s) => s >= 200 && s < 400);
    const target = targetOf(load.origin);
    this.#request = requestBytes(load, target.hostHeader, inline.bodyGenerator, random.stream('body'));
    this.#noBody = load.method === 'HEAD';
    this.#connections = new Connections(target, this);
  }

  #untilNextMs(): number {
    if (this.#sendEndMs !== null) return 0;
    return Math.min(this.#schedule.timeOf(this.#position), this.#schedule.endMs) - this.#now();
  }

  #now(): number {
    return performance.now() - this.#t0;
  }

  run(): Promise<LoadResult> {
    return new Promise<LoadResult>((resolve, reject) => {
      this.#finish = resolve;
      this.#fail = reject;
      this.#t0 = performance.now();
      this.#startedAt = Date.now();
      const sweepMs = Math.min(100, Math.max(5, Math.round(this.#load.timeoutMs / 10)));
      this.#sweeper = setInterval(() => this.#sweep(), sweepMs);
      this.#armSecond();
      this.#pump();
    });
  }

  /** Closes seconds on time even when nothing happens in them. */
  #armSecond(): void {
    const now = this.#now();
    this.#secondTimer = setTimeout(() => {
      this.#recorder.roll(this.#now());
      this.#armSecond();
    }, Math.floor(now / 1000) * 1000 + 1000 - now + 1);
  }

  #pump = (): void => {
    if (this.#sendEndMs !== null) return;
    const now = this.#now();
    const cap = this.#load.maxInFlight;
    const inFlight = this.#inFlight;
    let dropped = 0;
    try {
      // Arrivals whose time has come go out, or are dropped when every slot is taken.
      const due = this.#schedule.countAt(now);
      while (this.#position < due) {
        if (inFlight.size < cap) this.#send(this.#schedule.timeOf(this.#position));
        else dropped++;
        this.#index++;
        this.#position += this.#gap();
      }
      // Free slots also take arrivals due within LOOKAHEAD_MS, early; an arrival is never dropped before its time.
      if (inFlight.size < cap) {
        const soon = this.#schedule.countAt(now + LOOKAHEAD_MS);
        while (this.#position < soon && inFlight.size < cap) {
          this.#send(this.#schedule.timeOf(this.#position));
          this.#index++;
          this.#position += this.#gap();
        }
      }
    } catch (err) {
      this.#abortRun(err);
      return;
    }
    if (dropped > 0) this.#recorder.recordDropped(dropped, now);
    if (now >= this.#schedule.endMs) {
      this.#sendEndMs = now;
      this.#pacer.clear();
      this.#maybeFinish();
      return;
    }
    const nextMs = Math.min(this.#schedule.timeOf(this.#position), this.#schedule.endMs);
    this.#pacer.arm(now, nextMs, inFlight.size < cap, this.#schedule.rateAt(now));
  };

  #send(intendedMs: number): void {
    const bytes = this.#request(this.#index);
    const sentAtMs = this.#now();
    // Sent up to LOOKAHEAD_MS early: its latency then starts at the real send, never before.
    const exchange = new Exchange(Math.min(intendedMs, sentAtMs), bytes);
    this.#inFlight.add(exchange);
    exchange.sentAtMs = sentAtMs;
    this.#lastSendMs = sentAtMs;
    // A send the timer delivers just after the schedule's end still belongs to its last second.
    this.#recorder.recordSent(Math.min(sentAtMs, this.#schedule.endMs - 0.001));
    const conn = this.#waiting.length === this.#waitingHead ? this.#connections.acquire() : null;
    if (conn) this.#dispatch(exchange, conn);
    else this.#waiting.push(exchange);
  }

  #dispatch(exchange: Exchange, conn: HttpConnection): void {
    exchange.conn = conn;
    this.#connections.send(conn, exchange, exchange.bytes, this.#noBody);
  }

  /** @internal a connection or a connect slot came free. */
  onAvailable(): void {
    if (this.#waitingHead < this.#waiting.length) this.#dispatchWaiting();
  }

  /** @internal a request on a connection ended either way. */
  onResult(exchange: unknown, status: number, err: Error | null): void {
    this.settle(exchange as Exchange, status, err);
  }

  /** Requests that found every connect slot busy go out, in order, as connections free up. */
  #dispatchWaiting(): void {
    while (this.#waitingHead < this.#waiting.length) {
      const exchange = this.#waiting[this.#waitingHead]!;
      const conn = this.#inFlight.has(exchange) ? this.#connections.acquire() : null;
      if (this.#inFlight.has(exchange) && !conn) return;
      this.#waiting[this.#waitingHead++] = undefined as never;
      if (conn) this.#dispatch(exchange, conn);
    }
    this.#waiting.length = 0;
    this.#waitingHead = 0;
  }

  settle(exchange: Exchange, status: number, err: Error | null): void {
    if (!this.#inFlight.delete(exchange)) return;
    exchange.conn = null;
    const now = this.#now();
    if (err) this.#recorder.recordError(errorKind(err), now);
    else this.#recorder.recordResponse(status, this.#isOk(status), now - exchange.intendedMs, now);
    if (this.#sendEndMs === null) this.#pump();
    else this.#maybeFinish();
  }

  /** Aborts requests older than timeoutMs; the set is in send order, so it stops at the first young one. */
  #sweep(): void {
    const limit = this.#now() - this.#load.timeoutMs;
    for (const exchange of this.#inFlight) {
      if (exchange.sentAtMs > limit) break;
      if (exchange.conn) exchange.conn.destroy(new LoadTimeoutError(`no answer within ${this.#load.timeoutMs}ms`));
      else this.settle(exchange, 0, new LoadTimeoutError(`no free connection within ${this.#load.timeoutMs}ms`));
    }
  }

  #maybeFinish(): void {
    if (this.#inFlight.size > 0 || this.#sendEndMs === null || !this.#finish) return;
    const finish = this.#finish;
    this.#finish = null;
    this.#cleanup();
    const now = this.#now();
    this.#recorder.finish(now);
    const result = loadResult(this.#load, this.snapshot(), {
      startedAt: this.#startedAt,
      plannedDurationMs: this.#plannedEndMs,
      endMs: this.#schedule.endMs,
      total: this.#schedule.total,
      lastSendMs: this.#lastSendMs,
      stoppedEarly: this.#stoppedEarly,
      recorder: this.#recorder,
    });
    this.#connections.close();
    finish(result);
  }

  #cleanup(): void {
    this.#pacer.clear();
    if (this.#secondTimer) clearTimeout(this.#secondTimer);
    if (this.#sweeper) clearInterval(this.#sweeper);
  }

  #abortRun(err: unknown): void {
    const fail = this.#fail;
    this.#finish = null;
    this.#sendEndMs ??= this.#now();
    this.#cleanup();
    this.#connections.close();
    fail?.(err);
  }

  stop(): void {
    if (this.#sendEndMs !== null) return;
    const now = this.#now();
    this.#stoppedEarly = now < this.#plannedEndMs;
    this.#schedule.endAt(now);
    this.#pump();
  }

  setRate(rate: number): void {
    if (this.#sendEndMs !== null) return;
    this.#schedule.setRate(this.#now(), rate);
    this.#pacer.clear();
    this.#pump();
  }

  snapshot(): LoadSnapshot {
    const now = this.#sendEndMs ?? this.#now();
    const scheduled = Math.ceil(this.#schedule.countAt(now));
    return this.#recorder.snapshot(Math.round(this.#now()), this.#schedule.rateAt(now), scheduled, this.#inFlight.size);
  }
}

/**
 * A free slot takes arrivals due this soon at once (never earlier than that,
 * and an arrival is only dropped once it is due). At saturation a burst of
 * responses frees several connections in one loop turn; with this window
 * each is reused in the same callback, as a closed-loop tool does, instead of
 * idling until its arrival (at 50,000/s, 0.05 ms left visibly more slots idle).
 */
const LOOKAHEAD_MS = 0.1;

