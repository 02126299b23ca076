import { AgentupError } from '../../errors.ts';
import type { PortSlot } from '../../plan/types.ts';
import { getFreePort, isPortFree } from '../../util/ports.ts';

/** Which key of the environment file fixes each slot, for the error message. */
const SLOT_KEYS: Record<string, string> = {
  redis: 'redis.port',
  postgres: 'postgres.port',
  load_balancer: 'load_balancer.port',
};

/**
 * Gives every slot a port: fixed ports are checked up front, so a clash is one
 * clear error before anything starts; free ports come from the kernel and are
 * never handed out twice in one run. `preferred` ports are used when free.
 */
export async function allocatePorts(slots: PortSlot[], preferred: Record<string, number> = {}): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  const taken = new Set<number>();
  const busy: string[] = [];
  for (const slot of slots) {
    if (slot.fixed === null) continue;
    if (!(await isPortFree(slot.fixed))) busy.push(`port ${slot.fixed} is in use; set ${SLOT_KEYS[slot.id] ?? slot.id} to another port or free it`);
    ports.set(slot.id, slot.fixed);
    taken.add(slot.fixed);
  }
  if (busy.length > 0) {
    throw new AgentupError(busy.join('\n'), { hint: 'find what holds a port with: lsof -iTCP:<port> -sTCP:LISTEN' });
  }
  for (const slot of slots) {
    if (slot.fixed !== null) continue;
    const want = preferred[slot.id];
    if (want !== undefined && want > 0 && !taken.has(want) && (await isPortFree(want))) {
      ports.set(slot.id, want);
      taken.add(want);
      continue;
    }
    let port = await getFreePort();
    while (taken.has(port)) port = await getFreePort();
    ports.set(slot.id, port);
    taken.add(port);
  }
  return ports;
}
