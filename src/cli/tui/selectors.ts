import type { LogLine } from '../../services/log-lines.ts';
import type { Endpoints } from '../../runtime/types.ts';
import type { FaultTarget } from './fault-catalog.ts';
import type { ActiveFault, TuiState } from './state.ts';

/** Faults the user can remove: those the fault proxy and APIs report, plus paused replicas. */
export function removableFaults(state: TuiState): ActiveFault[] {
  const paused = state.parts
    .filter((p) => p.kind === 'replica' && p.state === 'paused' && !state.faults.some((f) => f.key === `${p.name}/pause`))
    .map((p): ActiveFault => ({ key: `${p.name}/pause`, target: p.name, name: 'pause', description: 'paused (SIGSTOP)', since: 0 }));
  return [...state.faults, ...paused];
}

/** What the fault menu can target, in the topology panel's order. */
export function faultTargets(endpoints: Pick<Endpoints, 'replicas' | 'dependencies' | 'apis' | 'upstreams'>): FaultTarget[] {
  return [
    ...endpoints.replicas.map((r): FaultTarget => ({ name: r.id, kind: 'replica' })),
    ...endpoints.dependencies.map((d): FaultTarget => ({ name: d.proxy, kind: 'dependency' })),
    ...endpoints.apis.map((a): FaultTarget => ({ name: a.name, kind: 'api' })),
    ...endpoints.upstreams.map((u): FaultTarget => ({ name: u.proxy, kind: 'upstream' })),
  ];
}

/** Case-insensitive match on replica, level and message, so `triage-2`, `error` or `redis` all work. */
export function filterLogs(lines: readonly LogLine[], text: string): LogLine[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...lines];
  return lines.filter((l) => `${l.replica} ${l.level ?? ''} ${l.msg} ${l.raw}`.toLowerCase().includes(needle));
}

/** Faults on one part, as short names for the topology panel. */
export function faultsOn(state: TuiState, part: string): string[] {
  return removableFaults(state).filter((f) => f.target === part).map((f) => f.description);
}
