/**
 * How soon is a fault in effect? `npx tsx bench/fault-latency.ts`.
 * Target: under 10 ms from a fault call resolving to the fault showing on
 * connections that were already open.
 *
 * An echo server and the fault proxy run in two child processes (as in real
 * use: the proxy never shares a thread with its client). Each trial opens N
 * keep-alive connections through the proxy, ping-pongs on all of them back to
 * back, and adds a toxic with DependencyFaults (the Simulation API's own code
 * path, `sim.dependency(name).latency(ms)` or `.timeout(0)`). Per connection,
 * the figure is the send time of its first exchange that shows the fault
 * (held 30 ms or more), minus the moment the call resolved: an upper bound on
 * how late the fault came, 0 when the exchange in flight at the call was
 * already held. Exchanges sent after the call that do NOT show the fault are
 * counted as `missed` (the target also needs 0 of those). The same-run baseline
 * is the no-fault round trip, the resolution of the method. Bounded: TRIALS
 * trials of at most TRIAL_TIMEOUT_MS each. Prints JSON; exits 1 on fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFaultProxy, ToxiproxyClient } from '../src/proxy/index.ts';
import { DependencyFaults } from '../src/sim/dependency-faults.ts';

const CONNECTIONS = 32;
const TRIALS = 10; // per toxic kind
const LATENCY_MS = 50;
const FAULTED_AFTER_MS = 30; // a round trip this slow (or unanswered) shows the fault; no-fault RTTs are ~0.1-1 ms
const TRIAL_TIMEOUT_MS = 3000;
const TARGET_MS = 10;
const tuned = { noDelay: true } as const;

const role = process.argv.find((a) => a.startsWith('--role='))?.slice(7);
const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

function child(args: string[]): Promise<{ proc: ChildProcess; info: any }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve({ proc, info: JSON.parse(line) }));
  });
}

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', ...tuned }, () => resolve(s));
    s.once('error', reject);
  });

interface Exchange { sentAt: number; rttMs: number | null }

/** Ping-pong 16 bytes at a time until stopped; an exchange unanswered after FAULTED_AFTER_MS ends the loop. */
function pingLoop(socket: net.Socket, log: Exchange[], stopped: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    let current: Exchange | null = null;
    const send = () => {
      if (stopped()) return resolve();
      current = { sentAt: performance.now(), rttMs: null };
      log.push(current);
      timer = setTimeout(() => { socket.removeAllListeners('data'); resolve(); }, FAULTED_AFTER_MS * 4);
      socket.write('0123456789abcdef');
    };
    let pending = 0;
    socket.on('data', (chunk) => {
      pending += chunk.length;
      if (pending < 16) return;
      pending -= 16;
      clearTimeout(timer!);
      current!.rttMs = performance.now() - current!.sentAt;
      send();
    });
    socket.on('error', () => resolve());
    send();
  });
}

async function trial(port: number, faults: DependencyFaults, kind: 'latency' | 'timeout'): Promise<{ effectMs: number[]; missed: number; baselineRtt: number[]; callMs: number }> {
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(port)));
  const logs = sockets.map(() => [] as Exchange[]);
  let t0 = Infinity;
  let stop = false;
  const loops = sockets.map((s, i) => pingLoop(s, logs[i]!, () => stop || logs[i]!.some((e) => showsFault(e, t0))));
  const deadline = setTimeout(() => (stop = true), TRIAL_TIMEOUT_MS);
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 30)); // warm, and a random phase for the call
  const called = performance.now();
  const handle = await (kind === 'latency' ? faults.latency(LATENCY_MS) : faults.timeout(0));
  t0 = performance.now();
  const callMs = t0 - called;
  await Promise.all(loops);
  clearTimeout(deadline);
  await handle.remove();
  for (const s of sockets) s.destroy();
  const effectMs: number[] = [];
  let missed = 0;
  for (const log of logs) {
    const first = log.find((e) => showsFault(e, t0));
    // An exchange in flight at the call whose answer was held counts: the fault was in effect when the answer passed.
    effectMs.push(first ? Math.max(0, first.sentAt - t0) : Infinity);
    missed += log.filter((e) => e.sentAt >= t0 && !faulted(e)).length;
  }
  const baselineRtt = logs.flatMap((l) => l.filter((e) => e.rttMs !== null && e.sentAt + e.rttMs < t0).map((e) => e.rttMs!));
  return { effectMs, missed, baselineRtt, callMs };
}

/** Faulted, and still open when the call resolved (an exchange over before it says nothing). */
function showsFault(e: Exchange, t0: number): boolean {
  return faulted(e) && (e.rttMs === null || e.sentAt + e.rttMs >= t0);
}

function faulted(e: Exchange): boolean {
  return e.rttMs === null ? performance.now() - e.sentAt >= FAULTED_AFTER_MS : e.rttMs >= FAULTED_AFTER_MS;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const r3 = (n: number): number => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : n);

async function main(): Promise<void> {
  const echo = await child(['--role=echo']);
  const proxy = await child(['--role=proxy', `--upstream=${echo.info.port}`]);
  const client = new ToxiproxyClient(proxy.info.api);
  try {
    const faults = new DependencyFaults('echo', client, () => {});
    const results: Record<string, unknown> = {};
    let pass = true;
    for (const kind of ['latency', 'timeout'] as const) {
      const effect: number[] = [];
      const baseline: number[] = [];
      const calls: number[] = [];
      let missed = 0;
      for (let i = 0; i < TRIALS; i++) {
        const t = await trial(proxy.info.port, faults, kind);
        effect.push(...t.effectMs);
        baseline.push(...t.baselineRtt);
        calls.push(t.callMs);
        missed += t.missed;
      }
      const ok = pct(effect, 99) < TARGET_MS && missed === 0;
      pass &&= ok;
      results[kind] = {
        samples: effect.length,
        inEffectMs: { p50: r3(pct(effect, 50)), p99: r3(pct(effect, 99)), max: r3(Math.max(...effect)) },
        missedExchanges: missed,
        // The call itself (list toxics for a free name, then add it), for context: the clock starts when it resolves.
        callMs: { p50: r3(pct(calls, 50)), max: r3(Math.max(...calls)) },
        baselineRttMs: { p50: r3(pct(baseline, 50)), p99: r3(pct(baseline, 99)) },
        targetMs: TARGET_MS,
        pass: ok,
      };
    }
    console.log(JSON.stringify({ bench: 'fault-latency', connections: CONNECTIONS, trials: TRIALS, latencyToxicMs: LATENCY_MS, results, pass }, null, 2));
    process.exitCode = pass ? 0 : 1;
  } finally {
    client.close();
    echo.proc.kill();
    proxy.proc.kill();
  }
}

if (role === 'echo') {
  const server = net.createServer(tuned, (s) => s.on('error', () => {}).pipe(s));
  console.log(JSON.stringify({ port: await listen(server) }));
} else if (role === 'proxy') {
  const upstream = process.argv.find((a) => a.startsWith('--upstream='))!.slice(11);
  const fault = await startFaultProxy({ port: 0 });
  const info = await fault.engine.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  console.log(JSON.stringify({ api: fault.url, port: Number(info.listen.split(':').pop()) }));
} else {
  await main();
}
