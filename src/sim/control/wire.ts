/**
 * Shapes that cross the control API, shared by the server (src/sim/control)
 * and the client (src/sim/remote). Every answer to a call that changes
 * something carries `seq`: the number of events the simulation had recorded
 * when it answered, so a client can wait until its event mirror caught up
 * (read-your-writes: a test that added a fault sees `fault_added` at once).
 */
import type { Endpoints } from '../../runtime/types.ts';

export interface ControlInfo {
  name: string;
  pid: number;
  startedAt: number;
  /** Service names in file order; `replica(2)` means `<first service>-2`. */
  services: string[];
  /** Every name `dependency(name)` accepts (fault proxy links). */
  dependencies: string[];
  /** Every name `api(name)` accepts (mock APIs). */
  apis: string[];
  endpoints: Endpoints;
  seq: number;
}

export interface FaultJson {
  target: string;
  name: string;
  description: string;
  seq: number;
}

export interface ErrorJson {
  error: string;
  hint?: string;
  status: number;
}

/** DependencyFaults methods reachable as `POST /dependencies/:name/<action>`, by wire name. */
export const DEPENDENCY_ACTIONS = {
  latency: 'latency',
  bandwidth: 'bandwidth',
  timeout: 'timeout',
  reset_peer: 'resetPeer',
  slow_close: 'slowClose',
  slicer: 'slicer',
  limit_data: 'limitData',
  toxic: 'toxic',
  down: 'down',
} as const;

/** ApiControl methods reachable as `POST /apis/:name/<action>` that return a fault. */
export const API_ACTIONS = { outage: 'outage', error_rate: 'errorRate', rate_limit: 'rateLimit' } as const;

/** Base URL and token of a printed control URL `http://127.0.0.1:PORT/?token=...`. */
export function splitControlUrl(url: string): { base: string; token: string | null } {
  const u = new URL(url);
  const token = u.searchParams.get('token');
  return { base: `${u.protocol}//${u.host}`, token };
}
