// Load balancer overhead: requests per second and p50/p99 latency straight to
// one replica vs through the load balancer in front of that same replica,
// measured in one run. Targets: >= 0.7x direct throughput, <= 0.3ms added p50.
// The two paths are measured in alternating short rounds and compared round by
// round (median of the ratios), so other load on the machine hits both alike.
// Usage: npm run bench:lb [-- --rounds 6 --round-ms 500 --concurrency 16 --latency-requests 500]
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { Replica } from '../src/services/replica.ts';
import { probeHttp } from '../src/services/health-check.ts';
import { LatencyHistogram } from '../src/services/latency-histogram.ts';
import { getFreePort } from '../src/util/ports.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    'round-ms': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    'latency-requests': { type: 'string', default: '500' },
  },
});
const rounds = Number(values.rounds);
const roundMs = Number(values['round-ms']);
const concurrency = Number(values.concurrency);
const latencyRequests = Number(values['latency-requests']);
const MAX_REQUESTS = 2_000_000; // hard bound on any one phase

async function throughput(url: string, durationMs: number): Promise<number> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  let done = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && done < MAX_REQUESTS) {
        const res = await pool.request({ path: '/', method: 'GET' });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
        done += 1;
      }
    }),
  );
  const rps = done / ((performance.now() - t0) / 1000);
  await pool.close();
  return rps;
}

async function latency(url: string, n: number, h: LatencyHistogram): Promise<void> {
  const pool = new Pool(url, { connections: 1, pipelining: 1 });
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await pool.request({ path: '/', method: 'GET' });
    await res.body.dump();
    h.recordMs(performance.now() - t0);
  }
  await pool.close();
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const port = await getFreePort();
const replica = Replica.spawn({
  id: 'bench-1',
  command: [process.execPath, path.join(ROOT, 'fixtures/services/hello.js')],
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? '', PORT: String(port), REPLICA_NAME: 'bench-1' },
});
function startProxy(mode: 'lb' | 'pipe'): { proc: ChildProcess; port: Promise<number> } {
  const proc = spawn(process.execPath, [...process.execArgv, path.join(ROOT, 'bench/load-balancer-server.ts'), String(port), mode], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const proxyPort = new Promise<number>((resolve) => readline.createInterface({ input: proc.stdout! }).once('line', (l) => resolve(Number(l))));
  return { proc, port: proxyPort };
}
const lbProc = startProxy('lb');
const pipeProc = startProxy('pipe');
try {
  for (let i = 0; i < 200 && !(await probeHttp(port, '/healthz', 500)).ok; i++) await new Promise((r) => setTimeout(r, 25));
  const direct = `http://127.0.0.1:${port}`;
  const viaLb = `http://127.0.0.1:${await lbProc.port}`;
  const viaPipe = `http://127.0.0.1:${await pipeProc.port}`;
  // Warm both paths (JIT, pools), then alternate so drift in machine load hits both alike.
  await throughput(direct, 500);
  await throughput(viaLb, 500);
  await throughput(viaPipe, 500);
  const rps = { direct: [] as number[], lb: [] as number[], ratio: [] as number[], pipeRatio: [] as number[] };
  const hDirect = new LatencyHistogram();
  const hLb = new LatencyHistogram();
  for (let i = 0; i < rounds; i++) {
    const d = await throughput(direct, roundMs);
    const l = await throughput(viaLb, roundMs);
    rps.direct.push(d);
    rps.lb.push(l);
    rps.ratio.push(l / d);
    rps.pipeRatio.push((await throughput(viaPipe, roundMs)) / d);
    await latency(direct, latencyRequests, hDirect);
    await latency(viaLb, latencyRequests, hLb);
  }
  const ratio = median(rps.ratio);
  const latDirect = hDirect.summary();
  const latLb = hLb.summary();
  const addedP50Ms = latLb.p50Ms - latDirect.p50Ms;
  const result = {
    bench: 'load-balancer',
    concurrency,
    rounds,
    roundMs,
    latencyRequestsPerRound: latencyRequests,
    direct: { rps: Math.round(median(rps.direct)), p50Ms: latDirect.p50Ms, p99Ms: latDirect.p99Ms },
    loadBalancer: { rps: Math.round(median(rps.lb)), p50Ms: latLb.p50Ms, p99Ms: latLb.p99Ms },
    roundRatios: rps.ratio.map((r) => Number(r.toFixed(3))),
    throughputRatio: Number(ratio.toFixed(3)),
    // Reference, same rounds: a raw TCP pipe that parses nothing.
    rawTcpPipeThroughputRatio: Number(median(rps.pipeRatio).toFixed(3)),
    addedP50Ms: Number(addedP50Ms.toFixed(3)),
    addedP99Ms: Number((latLb.p99Ms - latDirect.p99Ms).toFixed(3)),
    targets: { minThroughputRatio: 0.7, maxAddedP50Ms: 0.3 },
    pass: { throughput: ratio >= 0.7, latency: addedP50Ms <= 0.3 },
  };
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.pass.throughput && result.pass.latency ? 0 : 1;
} finally {
  for (const { proc } of [lbProc, pipeProc]) {
    proc.stdin!.end();
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
  }
  await replica.stop(1000);
}
