// Load generator vs autocannon 9 against the same local server, same run.
// 1. Maximum throughput: autocannon (closed loop, C connections) vs our open
//    model at MAX_RATE (100,000/s, more than one local server answers, so
//    the run is saturated) with maxInFlight C; figure = 2xx answers per
//    second. Target: ours >= 0.8x autocannon. (At 50,000/s, the old cap,
//    the offered rate itself was the ceiling: autocannon reaches 55-66k/s here.)
// 2. Rate accuracy at 100..5,000/s: our achieved rate, and the rate the server
//    saw over the middle 80% of arrivals, within 2% of the requested one. autocannon's overallRate at the same
//    rates is printed beside it as a baseline (no target).
// The server is a child process, so the generator and the server each have a
// core. Prints one JSON document; bounded well under 60 s (a watchdog exits at 60 s).
// Usage: npx tsx bench/loadgen.ts [--seconds 2] [--connections 10]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { MAX_RATE } from '../src/sim/load/options.ts';
import { runLoad } from '../src/sim/load/start-load.ts';

interface AutocannonResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
  requests: { total: number };
}
type Autocannon = (options: { url: string; connections: number; duration: number; overallRate?: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, connections: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const RATES = [100, 1000, 2000, 5000];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const ROUNDS = 5;

// The target: answers every request and keeps arrival times; /__stats reports
// the rate over the middle 80% of arrivals (the first and last few move with
// connection set-up and the final drain) and resets.
const SERVER = `
let times = [];
require('http').createServer((req, res) => {
  if (req.url === '/__stats') {
    const n = times.length, a = Math.floor(n * 0.1), b = Math.floor(n * 0.9);
    res.end(JSON.stringify({ count: n, middleRate: b > a && times[b] > times[a] ? ((b - a) * 1000) / (times[b] - times[a]) : 0 }));
    times = [];
    return;
  }
  if (times.length < 1e6) times.push(performance.now());
  res.end('ok');
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
const loadAtStart = round(os.loadavg()[0]!, 2);
const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const watchdog = setTimeout(() => {
  process.stderr.write('bench/loadgen: over 60 s, giving up\n');
  server.kill();
  process.exit(1);
}, 60_000);

async function serverStats(url: string): Promise<{ count: number; middleRate: number }> {
  const res = await request(`${url}/__stats`);
  return (await res.body.json()) as { count: number; middleRate: number };
}

try {
  const port = await new Promise<string>((resolve) => readline.createInterface({ input: server.stdout! }).once('line', resolve));
  const url = `http://127.0.0.1:${port}`;

  const ours = async (durationS: number) => {
    const r = await runLoad({ url, rate: MAX_RATE, duration: durationS * 1000, maxInFlight: connections, seed: 1 });
    return r.ok / (r.sendDurationMs / 1000);
  };
  const theirs = async (durationS: number) => {
    const r = await autocannon({ url, connections, duration: durationS });
    return r['2xx'] / r.duration;
  };
  // Warm both (JIT, sockets), then alternate: other work on a shared 2-core machine
  // comes and goes, so each round's ratio compares runs seconds apart, and the
  // median round is the figure.
  await theirs(1);
  await ours(1);
  const rounds: Array<{ ours: number; autocannon: number; ratio: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await theirs(seconds);
    const o = await ours(seconds);
    rounds.push({ ours: round(o), autocannon: round(a), ratio: round(o / a, 3) });
  }
  await serverStats(url);
  const median = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(ROUNDS / 2)]!;
  const throughputRatio = median.ratio;

  const accuracy = [];
  for (const rate of RATES) {
    // A cap high enough that a hiccup of the (shared, busy) machine queues connections
    // rather than dropping arrivals: this measures the generator's pacing, not the server.
    const r = await runLoad({ url, rate, duration: seconds * 1000, seed: 1, maxInFlight: 10_000 });
    const seen = await serverStats(url);
    const serverRate = seen.middleRate;
    const ac = await autocannon({ url, connections, duration: seconds, overallRate: rate });
    await serverStats(url);
    const oursError = Math.abs(r.achievedRate - rate) / rate;
    const serverError = Math.abs(serverRate - rate) / rate;
    accuracy.push({
      requestedRate: rate,
      achievedRate: r.achievedRate,
      serverObservedRate: round(serverRate, 2),
      sent: r.sent,
      dropped: r.dropped,
      errorPct: round(oursError * 100, 2),
      serverErrorPct: round(serverError * 100, 2),
      p50Ms: r.latency.p50Ms,
      p99Ms: r.latency.p99Ms,
      autocannonRate: round(ac.requests.total / ac.duration, 2),
      pass: oursError <= 0.02 && serverError <= 0.02,
    });
  }

  const doc = {
    bench: 'loadgen',
    // Other work on the machine moves every figure: the 1-minute load average at the start and the end.
    loadAverage: { start: loadAtStart, end: round(os.loadavg()[0]!, 2) },
    seconds,
    connections,
    offeredRate: MAX_RATE,
    throughput: { ours: median.ours, autocannon: median.autocannon, ratio: throughputRatio, target: '>= 0.8x autocannon (median of rounds)', pass: throughputRatio >= 0.8, rounds },
    rateAccuracy: { target: 'achieved and server-observed rate within 2% up to 5000/s', runs: accuracy, pass: accuracy.every((a) => a.pass) },
  };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  process.exitCode = doc.throughput.pass && doc.rateAccuracy.pass ? 0 : 1;
} finally {
  clearTimeout(watchdog);
  server.kill();
}
