let counter = 0;

export interface TriageReply {
  status: number;
  ms: number;
  body: { degraded?: boolean; cached?: boolean; replica?: string; error?: string } | null;
}

/** POSTs a ticket no one has sent before (so the cache cannot answer it) and times the answer. */
export async function sendTicket(baseUrl: string, options: { timeoutMs?: number; repeat?: string } = {}): Promise<TriageReply> {
  const n = options.repeat ?? `${process.pid}-${Date.now()}-${counter++}`;
  const t0 = performance.now();
  try {
    const res = await fetch(`${baseUrl}/triage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: `cust-${n}`, subject: `Order ${n} arrived broken`, body: `The parcel for order ${n} was damaged, please help.` }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: TriageReply['body'] = null;
    try {
      body = JSON.parse(text) as TriageReply['body'];
    } catch {
      body = null;
    }
    return { status: res.status, ms: performance.now() - t0, body };
  } catch {
    return { status: 0, ms: performance.now() - t0, body: null };
  }
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
