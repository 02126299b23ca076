import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { compileBody, compileResponse, type CompiledBody, type CompiledResponse } from './compile.ts';
import { CounterSet } from './counters.ts';
import { FaultState } from './fault-state.ts';
import { Journal } from './journal.ts';
import { sampleLatencyMs } from './latency.ts';
import { createPrng } from './prng.ts';
import { createLimiter, type Limiter } from './rate-limit/index.ts';
import { RouteTable } from './route-table.ts';
import { admit } from './rate-limit/admit.ts';
import { emptyReply, sendNow, type Done } from './respond.ts';
import { writeResponse } from './write-response.ts';
import type { TemplateContext } from './template.ts';
import type { FaultSpec, MockApiDefinition, RateLimitSpec } from './types.ts';
import { MockApiEvents } from './events.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** One request on its way through the pipeline. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  atMs: number;
  t0: number;
  path: string;
  qs: string;
  routeIndex: number;
  params: Record<string, string>;
  body: unknown;
  rawLength: number;
  extraHeaders: string[] | null;
  ctx: TemplateContext | null;
  rule: string;
  finished: boolean;
}

/**
 * The request pipeline and its live state: outage -> auth -> rate limits ->
 * faults -> response choice -> latency -> write. Control methods in
 * RunningMockApi change this state; the next request sees the change.
 */
export class MockApiEngine {
  readonly table: RouteTable;
  readonly responses: CompiledResponse[][];
  readonly journal: Journal;
  readonly counters = new CounterSet();
  readonly events = new MockApiEvents();
  readonly random: () => number;
  readonly faultState: FaultState;
  limits: RateLimitSpec[];
  routeLimiters: Limiter[][] = [];
  routeFaults: FaultSpec[][] = [];
  liveErrorFault: FaultSpec | null = null;
  fixtureFaultsOn = true;
  outage: { status: number; body: CompiledBody } | null = null;
  readonly sequence: number[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly apiKeys: Set<string> | null;
  private nextId = 1;

  constructor(readonly def: MockApiDefinition, readonly seed: number) {
    this.table = new RouteTable(def.routes);
    this.responses = def.routes.map((r) => r.responses.map(compileResponse));
    this.sequence = def.routes.map(() => 0);
    const secrets = new Set(['authorization', 'proxy-authorization', 'cookie', ...def.secretHeaders]);
    if (def.apiKey) secrets.add(def.apiKey.header);
    for (const l of def.rateLimits) if (l.scope === 'api_key') secrets.add(l.keyHeader);
    this.journal = new Journal(def.journalSize, secrets);
    this.random = createPrng(seed);
    this.faultState = new FaultState(Date.now());
    this.apiKeys = def.apiKey?.keys ? new Set(def.apiKey.keys) : null;
    this.limits = def.rateLimits;
    this.rebuildLimits();
    this.rebuildFaults();
  }

  rebuildLimits(): void {
    const limiters = this.limits.map(createLimiter);
    this.routeLimiters = this.def.routes.map((route) =>
      limiters.filter((l) => l.spec.routes.length === 0 || l.spec.routes.includes(route.name)),
    );
  }

  rebuildFaults(): void {
    const live = this.liveErrorFault ? [this.liveErrorFault] : [];
    this.routeFaults = this.def.routes.map((route) =>
      this.fixtureFaultsOn ? [...this.def.faults, ...route.faults, ...live] : live,
    );
  }

  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  cancelTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const match = this.table.match(req.method ?? 'GET', path);
    const x: Exchange = {
      req, res, atMs: Date.now(), t0: performance.now(), path, qs: q === -1 ? '' : url.slice(q + 1),
      routeIndex: match.kind === 'found' ? match.index : -1, params: match.kind === 'found' ? match.params : {},
      body: null, rawLength: 0, extraHeaders: null, ctx: null, rule: '', finished: false,
    };
    if (match.kind !== 'found') {
      const status = match.kind === 'wrong_method' ? 405 : 404;
      x.rule = 'not_found';
      const body = JSON.stringify({
        error: `mock API "${this.def.name}" has no route for ${req.method} ${path}`,
        status,
        api: this.def.name,
        routes: this.table.describe(),
      });
      const headers = ['content-type', 'application/json'];
      if (match.kind === 'wrong_method') headers.push('allow', match.allowed.join(', '));
      drain(req);
      return sendNow(res, status, headers, body, this.doneFor(x));
    }
    const te = req.headers['transfer-encoding'];
    const cl = req.headers['content-length'];
    if (te === undefined && (cl === undefined || cl === '0')) return this.process(x);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        x.rule = 'too_large';
        return sendNow(res, 413, ['content-type', 'application/json'], JSON.stringify({ error: `request body over ${MAX_BODY_BYTES} bytes`, status: 413 }), this.doneFor(x));
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      x.rawLength = raw.length;
      x.body = parseBody(raw);
      this.process(x);
    });
  }

  private process(x: Exchange): void {
    const route = this.def.routes[x.routeIndex]!;
    const done = this.doneFor(x);
    if (this.outage) {
      x.rule = 'outage';
      this.fireFault(x, 'outage', 'outage');
      return this.sendBody(x, this.outage.status, this.outage.body, [], done);
    }
    const key = this.def.apiKey;
    if (key) {
      let presented = firstHeader(x.req.headers[key.header]);
      if (presented !== undefined && key.scheme === 'bearer') presented = /^Bearer\s+(.+)$/i.exec(presented)?.[1];
      if (!presented || (this.apiKeys !== null && !this.apiKeys.has(presented))) {
        x.rule = 'auth';
        return this.sendBody(x, key.status, compileBody(key.body), [], done);
      }
    }
    const limiters = this.routeLimiters[x.routeIndex]!;
    if (limiters.length > 0 && !admit(this, x, limiters, done)) return;
    const fault = this.routeFaults[x.routeIndex]!.length > 0 ? this.faultState.pick(this.routeFaults[x.routeIndex]!, x.atMs, this.random) : null;
    if (fault) {
      this.fireFault(x, fault.kind, fault.id);
      x.rule = `fault:${fault.id}`;
      if (fault.kind === 'error') return this.sendBody(x, fault.status, compileBody(fault.body), [], done);
      if (fault.kind === 'empty_reply') return emptyReply(x.res, done);
    }
    const response = this.choose(x);
    if (!response) {
      x.rule = 'no_response';
      const body = JSON.stringify({ error: `no response of route "${route.name}" matches this request`, status: 404, api: this.def.name });
      return sendNow(x.res, 404, ['content-type', 'application/json'], body, done);
    }
    if (!fault) x.rule = response.spec.id;
    const latency = route.latency ?? this.def.latency;
    let waitMs = latency ? sampleLatencyMs(latency, this.random) : 0;
    if (fault?.kind === 'slow_first_byte') waitMs += fault.delayMs;
    if (waitMs >= 1) this.after(waitMs, () => x.res.destroyed ? done(0) : writeResponse(this, x, response, fault, done));
    else writeResponse(this, x, response, fault, done);
  }

  private choose(x: Exchange): CompiledResponse | null {
    const all = this.responses[x.routeIndex]!;
    const route = this.def.routes[x.routeIndex]!;
    let candidates = all;
    if (all.some((r) => r.when !== null)) {
      const ctx = this.ctxOf(x);
      candidates = all.filter((r) => r.when === null || r.when(ctx));
    }
    if (candidates.length === 0) return null;
    if (candidates.length === 1 || route.select === 'first_match') return candidates[0]!;
    if (route.select === 'sequence') {
      const n = this.sequence[x.routeIndex]!++;
      return candidates[n % candidates.length]!;
    }
    const total = candidates.reduce((s, r) => s + r.spec.weight, 0);
    let pick = this.random() * total;
    for (const r of candidates) {
      pick -= r.spec.weight;
      if (pick < 0) return r;
    }
    return candidates[candidates.length - 1]!;
  }

  ctxOf(x: Exchange): TemplateContext {
    if (x.ctx) return x.ctx;
    return (x.ctx = {
      params: x.params,
      query: x.qs ? Object.fromEntries(new URLSearchParams(x.qs)) : {},
      headers: x.req.headers,
      body: x.body,
      request: { id: `req_${x.atMs.toString(36)}${(this.nextId++).toString(36)}`, method: x.req.method ?? 'GET', path: x.path },
      random: this.random,
    });
  }

  sendBody(x: Exchange, status: number, body: CompiledBody, extra: string[], done: Done): void {
    const bytes = body.fixed ?? body.render!(this.ctxOf(x));
    const headers = ['content-type', body.contentType, ...extra];
    sendNow(x.res, status, headers, bytes, done);
  }

  private fireFault(x: Exchange, kind: string, id: string): void {
    const route = this.def.routes[x.routeIndex]?.name ?? null;
    this.counters.fault(route, kind);
    if (this.events.has('fault')) this.events.emit('fault', { api: this.def.name, route, kind, faultId: id, atMs: x.atMs });
  }

  private doneFor(x: Exchange): Done {
    return (status) => {
      if (x.finished) return;
      x.finished = true;
      const route = x.routeIndex >= 0 ? this.def.routes[x.routeIndex]!.name : null;
      this.counters.count(route, status);
      const entry = {
        id: this.nextId++, atMs: x.atMs, method: x.req.method ?? 'GET', path: x.qs ? `${x.path}?${x.qs}` : x.path, route,
        headers: x.req.headers, body: x.rawLength > 0 ? x.body : null, status, latencyMs: performance.now() - x.t0,
        rule: x.rule, clientAddress: x.req.socket.remoteAddress ?? '',
      };
      this.journal.record(entry);
      if (this.events.has('request')) this.events.emit('request', this.journal.mask(entry));
    };
  }
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(raw: string): unknown {
  const c = raw.charCodeAt(0);
  // Only try JSON for bodies that look like it; text bodies stay text.
  if (c === 123 || c === 91) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function drain(req: IncomingMessage): void {
  req.on('error', () => undefined);
  req.resume();
}
