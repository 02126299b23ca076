import type { Simulation } from '../../sim/simulation.ts';

/** The table `agentup up` prints once everything is healthy; secrets are masked. */
export function endpointTable(sim: Simulation, startupMs: number): string {
  const e = sim.endpoints();
  const rows: Array<[string, string, string]> = [];
  const replicas = sim.replicas();
  if (e.loadBalancer) rows.push(['load balancer', e.loadBalancer, `${sim.environment.loadBalancer?.strategy ?? ''} over ${replicas.length} replicas`]);
  for (const r of e.replicas) {
    const snap = replicas.find((s) => s.id === r.id);
    rows.push([r.id, r.url, snap?.pid ? `pid ${snap.pid}, ${snap.status}` : (snap?.status ?? '')]);
  }
  for (const d of e.dependencies) rows.push([d.name, d.proxiedUrl, `via fault proxy "${d.proxy}"; server at ${d.url}`]);
  for (const a of e.apis) rows.push([`api ${a.name}`, a.proxiedUrl, `mock API via fault proxy "${a.proxy}"; mock at ${a.url}`]);
  for (const u of e.upstreams) rows.push([`upstream ${u.name}`, `tcp://${u.proxiedAddress}`, `via fault proxy "${u.proxy}"; yours at ${u.address}`]);
  rows.push(['fault proxy', e.faultProxy.url, `${e.faultProxy.engine} (Toxiproxy 2.12.0 API)`]);
  if (sim.controlUrl) rows.push(['control', sim.controlUrl, `attach with connectSimulation(url); token also in ${sim.controlTokenFile}`]);
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(7, ...rows.map((r) => sim.redact(r[1]).length));
  const line = (r: [string, string, string]) => `  ${r[0].padEnd(w0)}  ${sim.redact(r[1]).padEnd(w1)}  ${sim.redact(r[2])}`.trimEnd();
  return [
    `${e.name} is up (${e.runtime} runtime, all healthy in ${Math.round(startupMs)}ms)`,
    '',
    line(['PART', 'ADDRESS', 'NOTES']),
    ...rows.map(line),
  ].join('\n');
}

/** The one JSON line of `agentup up --json`. */
export function endpointJson(sim: Simulation, startupMs: number): string {
  const e = sim.endpoints();
  const replicas = sim.replicas();
  const doc = {
    name: e.name,
    runtime: e.runtime,
    runtimeReason: sim.runtimeChoice?.reason ?? null,
    status: 'healthy',
    startupMs: Math.round(startupMs),
    workDir: e.workDir,
    loadBalancer: e.loadBalancer,
    faultProxy: e.faultProxy,
    dependencies: e.dependencies,
    apis: e.apis,
    upstreams: e.upstreams,
    control: sim.controlUrl ? { url: sim.controlUrl, tokenFile: sim.controlTokenFile } : null,
    replicas: e.replicas.map((r) => {
      const s = replicas.find((x) => x.id === r.id);
      return { ...r, pid: s?.pid ?? null, status: s?.status ?? 'unknown' };
    }),
  };
  return sim.redact(JSON.stringify(doc));
}
