/**
 * Every fault the menu offers, with its parameters and defaults. Pure data:
 * apply-fault.ts turns a choice into Simulation calls.
 */

export type TargetKind = 'replica' | 'dependency' | 'api' | 'upstream';

export interface FaultTarget {
  /** Replica id, or the fault proxy's proxy name of the dependency / API / upstream. */
  name: string;
  kind: TargetKind;
}

export type ParamValue = number | string;

export interface ParamSpec {
  key: string;
  label: string;
  default: ParamValue;
  /** Shown after the value. */
  unit?: string;
  /** A fixed set of values, cycled with the arrow keys. */
  choices?: string[];
  /** Free text instead of a number. */
  text?: boolean;
}

export interface FaultSpec {
  kind: string;
  label: string;
  targets: TargetKind[];
  params: ParamSpec[];
}

const LINK: TargetKind[] = ['dependency', 'api', 'upstream'];
/** Every toxic can hit either direction and only some connections. */
const TOXIC_COMMON: ParamSpec[] = [
  { key: 'stream', label: 'stream', default: 'downstream', choices: ['downstream', 'upstream'] },
  { key: 'toxicity', label: 'toxicity (0..1 of conns)', default: 1 },
];

export const FAULTS: FaultSpec[] = [
  { kind: 'latency', label: 'latency: delay every chunk', targets: LINK, params: [{ key: 'latency', label: 'latency', default: 500, unit: 'ms' }, { key: 'jitter', label: 'jitter', default: 0, unit: 'ms' }, ...TOXIC_COMMON] },
  { kind: 'bandwidth', label: 'bandwidth: limit throughput', targets: LINK, params: [{ key: 'rate', label: 'rate', default: 10, unit: 'KB/s' }, ...TOXIC_COMMON] },
  { kind: 'slow_close', label: 'slow_close: delay closing', targets: LINK, params: [{ key: 'delay', label: 'delay', default: 2000, unit: 'ms' }, ...TOXIC_COMMON] },
  { kind: 'timeout', label: 'timeout: swallow data, then close', targets: LINK, params: [{ key: 'timeout', label: 'close after (0: never)', default: 5000, unit: 'ms' }, ...TOXIC_COMMON] },
  { kind: 'reset_peer', label: 'reset_peer: TCP RST', targets: LINK, params: [{ key: 'timeout', label: 'after first data', default: 0, unit: 'ms' }, ...TOXIC_COMMON] },
  { kind: 'slicer', label: 'slicer: cut data in small pieces', targets: LINK, params: [{ key: 'average_size', label: 'average size', default: 64, unit: 'B' }, { key: 'size_variation', label: 'size variation', default: 16, unit: 'B' }, { key: 'delay', label: 'delay between pieces', default: 1000, unit: 'us' }, ...TOXIC_COMMON] },
  { kind: 'limit_data', label: 'limit_data: close after N bytes', targets: LINK, params: [{ key: 'bytes', label: 'bytes', default: 1024, unit: 'B' }, ...TOXIC_COMMON] },
  { kind: 'down', label: 'down: proxy stops listening', targets: LINK, params: [] },
  { kind: 'outage', label: 'outage: every request fails', targets: ['api'], params: [{ key: 'status', label: 'status', default: 503 }] },
  { kind: 'error_rate', label: 'error rate: some requests fail', targets: ['api'], params: [{ key: 'fraction', label: 'fraction of requests', default: 0.5 }, { key: 'status', label: 'status', default: 500 }] },
  { kind: 'rate_limit', label: 'rate limit: change or add one', targets: ['api'], params: [{ key: 'name', label: 'limit or route name', default: '', text: true }, { key: 'limit', label: 'requests per window', default: 5 }, { key: 'window', label: 'window', default: 1000, unit: 'ms' }] },
  { kind: 'kill', label: 'kill: the supervisor restarts it', targets: ['replica'], params: [{ key: 'signal', label: 'signal', default: 'SIGKILL', choices: ['SIGKILL', 'SIGTERM', 'SIGINT'] }] },
  { kind: 'pause', label: 'pause: SIGSTOP (remove to resume)', targets: ['replica'], params: [] },
  { kind: 'resume', label: 'resume: SIGCONT', targets: ['replica'], params: [] },
  { kind: 'restart', label: 'restart: graceful stop and start', targets: ['replica'], params: [] },
];

export function faultsFor(target: FaultTarget): FaultSpec[] {
  return FAULTS.filter((f) => f.targets.includes(target.kind));
}

export function defaults(spec: FaultSpec): Record<string, ParamValue> {
  return Object.fromEntries(spec.params.map((p) => [p.key, p.default]));
}
