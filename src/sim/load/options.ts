/**
 * Checks load options and turns them into plain data a worker can receive.
 * Bounds are deliberate: this tool only ever loads the local simulation, for
 * a bounded time at a bounded rate.
 */
import { tryParseDurationMs } from '../../config/units.ts';
import { AgentupError } from '../../errors.ts';
import type { BodyGenerator, LoadStage, RunLoadOptions } from './types.ts';
import type { Segment } from './schedule.ts';

/** Above what one generator thread and one local server sustain here (~60,000/s), so a run can saturate them. */
export const MAX_RATE = 100_000;
export const MAX_DURATION_MS = 3_600_000;
export const MAX_IN_FLIGHT = 10_000;
export const DEFAULT_MAX_IN_FLIGHT = 1000;
export const DEFAULT_TIMEOUT_MS = 10_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export type FixedBody = { kind: 'none' } | { kind: 'fixed'; data: string | Uint8Array } | { kind: 'module'; path: string };

/** Everything the engine needs, as structured-clone-safe data. */
export interface NormalisedLoad {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: FixedBody;
  segments: Segment[];
  durationMs: number;
  arrival: 'constant' | 'poisson';
  maxInFlight: number;
  timeoutMs: number;
  /** null: 200-399. */
  expectStatus: number[] | null;
  seed: number;
}

/** Parts that cannot cross into a worker; they force inline mode. */
export interface InlineOnly {
  bodyGenerator?: BodyGenerator;
  statusPredicate?: (status: number) => boolean;
}

const fail = (message: string, hint: string): never => {
  throw new AgentupError(message, { hint });
};

export function checkLoopbackUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`load target '${url}' is not a URL`, 'pass a URL like http://127.0.0.1:8080');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail(`load target '${url}' must be http or https, got '${parsed.protocol}'`, 'pass a URL like http://127.0.0.1:8080');
  }
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) {
    fail(
      `load target '${url}' is not on this machine (host '${parsed.hostname}'); agentup only loads the local simulation`,
      'point it at 127.0.0.1, localhost or [::1], e.g. the load balancer address `agentup up` prints',
    );
  }
  return parsed;
}

function durationOf(value: unknown, where: string): number {
  const ms = tryParseDurationMs(value);
  if (ms === null || ms <= 0) fail(`${where} must be a positive duration like '500ms', '10s' or '1m', got ${JSON.stringify(value)}`, "write it as '30s' or a number of milliseconds");
  return ms!;
}

function rateOf(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_RATE) {
    fail(`${where} must be a number of requests per second from 0 to ${MAX_RATE}, got ${JSON.stringify(value)}`, `use a rate up to ${MAX_RATE}/s`);
  }
  return value as number;
}

function wholeOf(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${where} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, `pick a value from ${min} to ${max}`);
  }
  return value as number;
}

export function segmentsFor(options: Pick<RunLoadOptions, 'rate' | 'duration' | 'stages'>): Segment[] {
  if (options.stages !== undefined && (options.rate !== undefined || options.duration !== undefined)) {
    fail('load takes either rate and duration or stages, not both', 'move the rate into a stage: stages: [{ rate: 200, for: "30s" }]');
  }
  const stages: LoadStage[] = options.stages ?? [];
  if (options.stages === undefined) {
    if (options.rate === undefined || options.duration === undefined) {
      fail('load needs a rate and a duration (or stages)', "for example { rate: 200, duration: '30s' }");
    }
    stages.push({ rate: options.rate!, for: options.duration! });
  }
  if (stages.length === 0) fail('load stages must not be empty', "for example stages: [{ rate: 50, for: '10s' }, { rampTo: 500, for: '20s' }]");
  const segments: Segment[] = [];
  let startMs = 0;
  let previous = 0;
  stages.forEach((stage, i) => {
    const where = `stages[${i}]`;
    const durationMs = durationOf(stage.for, `${where}.for`);
    const s = stage as Record<string, unknown>;
    const ramp = s.rampTo ?? s.ramp_to;
    if ((s.rate === undefined) === (ramp === undefined)) fail(`${where} needs exactly one of rate or rampTo`, "write { rate: 50, for: '10s' } or { rampTo: 500, for: '20s' }");
    const toRate = rateOf(ramp ?? s.rate, `${where}.${ramp === undefined ? 'rate' : 'rampTo'}`);
    const fromRate = ramp === undefined ? toRate : previous;
    segments.push({ startMs, durationMs, fromRate, toRate });
    startMs += durationMs;
    previous = toRate;
  });
  if (startMs > MAX_DURATION_MS) fail(`load runs for ${startMs}ms in all, more than the limit of ${MAX_DURATION_MS}ms (1h)`, 'shorten the duration or the stages');
  return segments;
}

function bodyOf(options: RunLoadOptions, inline: InlineOnly): { body: FixedBody; type: string | undefined } {
  if (options.bodyModule !== undefined && options.body !== undefined) fail('load takes body or bodyModule, not both', 'keep one of them');
  if (options.bodyModule !== undefined) return { body: { kind: 'module', path: options.bodyModule }, type: undefined };
  const b = options.body;
  if (b === undefined) return { body: { kind: 'none' }, type: undefined };
  if (typeof b === 'function') {
    inline.bodyGenerator = b as InlineOnly['bodyGenerator'];
    return { body: { kind: 'none' }, type: undefined };
  }
  if (typeof b === 'string' || b instanceof Uint8Array) return { body: { kind: 'fixed', data: b }, type: undefined };
  return { body: { kind: 'fixed', data: JSON.stringify(b) }, type: 'application/json' };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The engine frames and reuses connections itself (request-bytes.ts), so these would contradict it. */
const FRAMING_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'expect']);

/** Requests are written as raw bytes, so a stray CR or LF here would inject a line into every request. */
function checkRequestText(path: string, headers: Record<string, string>): void {
  if (!/^[\x21-\x7e]+$/.test(path)) fail(`load path ${JSON.stringify(path)} has spaces, control or non-ASCII characters`, 'percent-encode them, e.g. %20 for a space');
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) fail(`load header name ${JSON.stringify(name)} is not a valid HTTP header name`, 'use letters, digits and - only');
    if (FRAMING_HEADERS.has(name.toLowerCase())) fail(`load header '${name}' is managed by the load generator`, `remove '${name}'; connections are kept alive and bodies sized automatically`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) fail(`load header '${name}' must be a one-line string, got ${JSON.stringify(value)}`, 'remove line breaks from the value');
  }
}

/** Validates everything up front, so a bad option fails before any request is sent. */
export function normaliseLoad(options: RunLoadOptions): { load: NormalisedLoad; inline: InlineOnly } {
  const url = checkLoopbackUrl(options.url);
  const inline: InlineOnly = {};
  const segments = segmentsFor(options);
  const { body, type } = bodyOf(options, inline);
  const base = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const path = options.path === undefined ? `${url.pathname}${url.search}` : `${base}${options.path.startsWith('/') ? '' : '/'}${options.path}`;
  const hasBody = body.kind !== 'none' || inline.bodyGenerator !== undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (type && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = type;
  let expectStatus: number[] | null = null;
  if (typeof options.expectStatus === 'function') inline.statusPredicate = options.expectStatus;
  else if (options.expectStatus !== undefined) expectStatus = options.expectStatus.map((s, i) => wholeOf(s, `expectStatus[${i}]`, 100, 599));
  if (options.arrival !== undefined && options.arrival !== 'constant' && options.arrival !== 'poisson') {
    fail(`arrival must be 'constant' or 'poisson', got ${JSON.stringify(options.arrival)}`, "use 'constant' for evenly spaced requests");
  }
  checkRequestText(path, headers);
  const load: NormalisedLoad = {
    origin: url.origin,
    path,
    method: (options.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase(),
    headers,
    body,
    segments,
    durationMs: segments.reduce((sum, s) => sum + s.durationMs, 0),
    arrival: options.arrival ?? 'constant',
    maxInFlight: wholeOf(options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, 'maxInFlight', 1, MAX_IN_FLIGHT),
    timeoutMs: wholeOf(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs', 1, 600_000),
    expectStatus,
    seed: options.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeOf(options.seed, 'seed', -(2 ** 53 - 1), 2 ** 53 - 1),
  };
  return { load, inline };
}
