import type { Handler } from './context.ts';
import * as faults from './handlers-faults.ts';
import * as load from './handlers-load.ts';
import * as state from './handlers-state.ts';
import * as streams from './handlers-streams.ts';

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * Every route of the control API. Order matters: fixed segments come before
 * the `:action` catch-alls. Bodies are JSON; fault calls take `{ "args": [...] }`,
 * the arguments of the library call (`sim.dependency(name).latency(500, { jitter: 50 })`
 * is `POST /dependencies/<name>/latency {"args":[500,{"jitter":50}]}`).
 */
export const ROUTES: ReadonlyArray<[Method, string, Handler]> = [
  ['GET', '/', state.info],
  ['GET', '/info', state.info],
  ['GET', '/endpoints', state.endpointsGet],
  ['GET', '/replicas', state.replicasList],
  ['POST', '/replicas/:id/kill', state.replicaKill],
  ['POST', '/replicas/:id/pause', state.replicaPause],
  ['POST', '/replicas/:id/resume', state.replicaResume],
  ['POST', '/replicas/:id/restart', state.replicaRestart],
  ['GET', '/dependencies/:name/toxics', faults.dependencyToxics],
  ['POST', '/dependencies/:name/up', faults.dependencyUp],
  ['POST', '/dependencies/:name/:action', faults.dependencyFault],
  ['GET', '/apis/:name/counters', faults.apiCounters],
  ['GET', '/apis/:name/journal', faults.apiJournal],
  ['POST', '/apis/:name/clear_faults', faults.apiClearFaults],
  ['POST', '/apis/:name/reset_counters', faults.apiResetCounters],
  ['POST', '/apis/:name/:action', faults.apiFault],
  ['POST', '/faults/reset', faults.faultsReset],
  ['DELETE', '/faults/:target/:name', faults.faultRemove],
  ['GET', '/events', streams.eventsStream],
  ['GET', '/logs', streams.logsStream],
  ['GET', '/metrics', state.metricsText],
  ['GET', '/metrics/stream', streams.metricsStream],
  ['POST', '/loads', load.loadCreate],
  ['GET', '/loads/:id', load.loadGet],
  ['POST', '/loads/:id/stop', load.loadStop],
  ['POST', '/loads/:id/rate', load.loadRate],
];

export type RouteMatch = { handler: Handler; params: Record<string, string> } | { status: 404 | 405; allowed: string[] };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const allowed: string[] = [];
  for (const [m, pattern, handler] of ROUTES) {
    const params = matchPath(pattern, parts);
    if (!params) continue;
    if (m === method) return { handler, params };
    allowed.push(m);
  }
  return allowed.length > 0 ? { status: 405, allowed } : { status: 404, allowed };
}

function matchPath(pattern: string, parts: string[]): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  if (want.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = parts[i]!;
    else if (want[i] !== parts[i]) return null;
  }
  return params;
}
