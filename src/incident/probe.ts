import type { Probe } from './types.ts';

export interface ProbeOutcome {
  ok: boolean;
  status: number;
  ms: number;
  detail: string;
}

function at(value: unknown, dotted: string): unknown {
  let node = value;
  for (const key of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** One HTTP check against the load balancer: the status, and optionally a JSON path's value. */
export async function runProbe(baseUrl: string, probe: Probe): Promise<ProbeOutcome> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  try {
    const res = await fetch(`${baseUrl}${probe.path}`, { method: probe.method, signal: AbortSignal.timeout(probe.timeoutMs) });
    const text = await res.text();
    if (res.status !== probe.status) return { ok: false, status: res.status, ms: ms(), detail: `status ${res.status}, expected ${probe.status}` };
    if (probe.json) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ok: false, status: res.status, ms: ms(), detail: 'the answer is not JSON' };
      }
      const found = at(body, probe.json.path);
      // Scalars from YAML may be numbers or strings; compare as the file wrote them.
      if (String(found) !== String(probe.json.equals)) return { ok: false, status: res.status, ms: ms(), detail: `${probe.json.path} is ${JSON.stringify(found)}, expected ${JSON.stringify(probe.json.equals)}` };
    }
    return { ok: true, status: res.status, ms: ms(), detail: `status ${res.status}${probe.json ? `, ${probe.json.path} = ${JSON.stringify(probe.json.equals)}` : ''}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: 0, ms: ms(), detail: e.name === 'TimeoutError' ? `no answer within ${probe.timeoutMs}ms` : `request failed: ${e.cause?.code ?? e.message}` };
  }
}
