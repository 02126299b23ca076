/**
 * Throughput and p99 of a simple JSON route on the mock API engine versus a bare
 * node:http server returning the same bytes, measured in the same run.
 *
 *   npx tsx bench/mock-api.ts
 *
 * Each server runs in its own child process (so the load generator does not
 * share its event loop); rounds alternate bare/mock to spread out noise from
 * other work on the machine, and each kind keeps its best round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';

const BODY = JSON.stringify({ id: 'T-1002', subject: 'Cannot log in', status: 'open', priority: 'high', tags: ['auth', 'web'] });
const FIXTURE = `
name: bench
routes:
  - name: ticket
    path: /tickets/:id
    body: ${BODY}
`;
const ROUNDS = 2;
const WARMUP_MS = 500;
const MEASURE_MS = 3_000;
const CONNECTIONS = 16;
const TARGET_RATIO = 0.7;

type Kind = 'bare' | 'mock';

async function serve(kind: Kind): Promise<void> {
  let port: number;
  if (kind === 'bare') {
    const body = Buffer.from(BODY);
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  } else {
    const { parseMockApi, startMockApi } = await import('../src/services/mock-api/index.ts');
    port = (await startMockApi(parseMockApi(FIXTURE, 'bench.yaml'), { seed: 1 })).port;
  }
  process.send!({ port });
  // The parent kills us; also go if it dies first.
  process.on('disconnect', () => process.exit(0));
}

function startServer(kind: Kind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with code ${code}`)));
  });
}

async function load(port: number, durationMs: number, histogram: hdr.Histogram | null): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS });
  let done = 0;
  const deadline = performance.now() + durationMs;
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const r = await pool.request({ path: '/tickets/T-1002', method: 'GET' });
          await r.body.dump();
          if (r.statusCode !== 200) throw new Error(`unexpected status ${r.statusCode}`);
          histogram?.recordValue(Math.round((performance.now() - t0) * 1000));
          done++;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return done / (durationMs / 1000);
}

async function measure(kind: Kind): Promise<{ rps: number; p99Ms: number }> {
  const { child, port } = await startServer(kind);
  try {
    await load(port, WARMUP_MS, null);
    const histogram = hdr.build();
    const rps = await load(port, MEASURE_MS, histogram);
    return { rps, p99Ms: histogram.getValueAtPercentile(99) / 1000 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

async function main(): Promise<void> {
  const best: Record<Kind, { rps: number; p99Ms: number } | null> = { bare: null, mock: null };
  const rounds: Array<{ kind: Kind; rps: number; p99Ms: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const kind of ['bare', 'mock'] as const) {
      const r = await measure(kind);
      rounds.push({ kind, rps: Math.round(r.rps), p99Ms: r.p99Ms });
      if (!best[kind] || r.rps > best[kind].rps) best[kind] = r;
    }
  }
  const ratio = best.mock!.rps / best.bare!.rps;
  const result = {
    bench: 'mock-api',
    route: 'GET /tickets/:id (JSON, no latency, journal on)',
    connections: CONNECTIONS,
    measureMs: MEASURE_MS,
    bare: { rps: Math.round(best.bare!.rps), p99Ms: round(best.bare!.p99Ms) },
    mock: { rps: Math.round(best.mock!.rps), p99Ms: round(best.mock!.p99Ms) },
    ratio: round(ratio),
    target: TARGET_RATIO,
    pass: ratio >= TARGET_RATIO,
    rounds,
  };
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.pass ? 0 : 1;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) await serve(process.argv[serveIndex + 1] as Kind);
else await main();
