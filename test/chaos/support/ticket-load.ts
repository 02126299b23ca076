import type { LoadOptions } from '../../../src/sim/load/index.ts';

/** POST /triage with a new ticket per request, `rate` per second for `duration`. */
export function tickets(rate: number, duration: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    path: '/triage',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    bodyModule: new URL('./tickets.ts', import.meta.url).href,
    rate,
    duration,
    ...extra,
  };
}
