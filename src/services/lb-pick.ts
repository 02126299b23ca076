/** Backend choice: round robin over usable backends, or fewest in-flight requests with round-robin ties. */
import type { LoadBalancerStrategy } from '../config/types.ts';
import type { LbBackend } from './lb-backend.ts';

export function pickBackend(
  backends: LbBackend[],
  strategy: LoadBalancerStrategy,
  cursor: { value: number },
  exclude: LbBackend | null,
): LbBackend | null {
  const n = backends.length;
  let best: LbBackend | null = null;
  let bestIndex = 0;
  for (let k = 0; k < n; k++) {
    const i = (cursor.value + k) % n;
    const b = backends[i]!;
    if (!b.usable || b === exclude) continue;
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
