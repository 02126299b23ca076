/**
 * Backend choice: round robin over usable backends, or fewest in-flight
 * requests with round-robin ties. `exclude` is the replica a retry leaves
 * (or every replica a request has tried).
 */
import type { LoadBalancerStrategy } from '../config/types.ts';
import type { LbBackend } from './lb-backend.ts';

export type Excluded = LbBackend | readonly LbBackend[] | null;

export function pickBackend(
  backends: LbBackend[],
  strategy: LoadBalancerStrategy,
  cursor: { value: number },
  exclude: Excluded,
): LbBackend | null {
  const n = backends.length;
  const many = Array.isArray(exclude) ? exclude : null;
  let best: LbBackend | null = null;
  let bestIndex = 0;
  for (let k = 0; k < n; k++) {
    const i = (cursor.value + k) % n;
    const b = backends[i]!;
    if (!b.usable || b === exclude || (many !== null && many.includes(b))) continue;
    if (strategy === 'round_robin') {
      best = b;
      bestIndex = i;
      break;
    }
    if (best === null || b.inflight < best.inflight) {
      best = b;
      bestIndex = i;
    }
  }
  if (best !== null) cursor.value = (bestIndex + 1) % n;
  return best;
}
