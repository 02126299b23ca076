/**
 * Fault proxy benchmark: `npx tsx bench/proxy.ts`. Three paths measured side by
 * side in one run: direct loopback, a bare socket.pipe() proxy (the floor any
 * Node proxy pays) and agentup's fault proxy with no toxic; plus the accuracy of
 * a 100 ms latency toxic. Client, proxies and servers run in three processes,
 * as in real use, so a proxy never competes with its load generator for one
 * JavaScript thread. Prints JSON with figures, ratios and pass/fail per target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFaultProxy, ToxiproxyClient } from '../src/proxy/index.ts';

const THROUGHPUT_BYTES = 192 * 1024 * 1024;
const WRITE_BYTES = 64 * 1024;
const PINGS_ONE = 1_000;
const PINGS_EACH_OF_32 = 100;
const REPEATS = 8;
const LATENCY_MS = 100;
const LATENCY_PINGS = 21;

const role = process.argv.find((a) => a.startsWith('--role='))?.slice(7);
const tuned = { noDelay: true, allowHalfOpen: true } as const;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Echo (ping-pong) and sink (throughput: counts until FIN, then answers one byte). */
async function runServers(): Promise<void> {
  const echo = net.createServer(tuned, (s) => s.on('error', () => {}).pipe(s));
  const sink = net.createServer(tuned, (s) => {
    s.on('error', () => {});
    s.on('data', () => {});
    s.on('end', () => s.end('k'));
  });
  console.log(JSON.stringify({ echo: await listen(echo), sink: await listen(sink) }));
}

/** A bare socket.pipe() proxy and our fault proxy, both in front of the servers. */
async function runProxies(echoPort: number, sinkPort: number): Promise<void> {
  const pipeProxy = (port: number): net.Server =>
    net.createServer(tuned, (client) => {
      const upstream = net.connect({ port, host: '127.0.0.1', ...tuned });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
  const fault = await startFaultProxy({ port: 0 });
  const ours = async (name: string, port: number): Promise<number> => {
    const info = await fault.engine.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` });
    return Number(info.listen.split(':').pop());
  };
  console.log(
    JSON.stringify({
      api: fault.url,
      pipe: { echo: await listen(pipeProxy(echoPort)), sink: await listen(pipeProxy(sinkPort)) },
      ours: { echo: await ours('echo', echoPort), sink: await ours('sink', sinkPort), slow: await ours('slow', echoPort) },
    }),
  );
}

function child(args: string[]): Promise<{ process: ChildProcess; info: any }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve({ process: proc, info: JSON.parse(line) }));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...tuned }, () => resolve(socket));
    socket.once('error', reject);
  });
}

async function throughputMBps(port: number, bytes: number): Promise<number> {
  const socket = await connect(port);
  const block = Buffer.alloc(WRITE_BYTES, 0x61);
  const started = performance.now();
  const done = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  for (let sent = 0; sent < bytes; sent += WRITE_BYTES) {
    if (!socket.write(block)) await new Promise((r) => socket.once('drain', r));
  }
  socket.end();
  await done;
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return bytes / 1e6 / seconds;
}

/** Ping-pong one 64-byte message at a time on each connection; returns every round trip in us. */
async function pingPongUs(port: number, connections: number, pings: number): Promise<number[]> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => connect(port)));
  const samples: number[] = [];
  const message = Buffer.alloc(64, 0x62);
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          let left = pings;
          let got = 0;
          let started = 0;
          const send = (): void => {
            got = 0;
            started = performance.now();
            socket.write(message);
          };
          socket.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (got < message.length) return;
            samples.push((performance.now() - started) * 1000);
            if (--left === 0) resolve();
            else send();
          });
          send();
        }),
    ),
  );
  for (const socket of sockets) socket.destroy();
  return samples;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const median = (values: number[]): number => percentile(values, 50);
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const servers = await child(['--role=servers']);
  const proxies = await child([`--role=proxies`, `--echo=${servers.info.echo}`, `--sink=${servers.info.sink}`]);
  const client = new ToxiproxyClient(proxies.info.api);
  try {
    const paths = {
      direct: { echo: servers.info.echo as number, sink: servers.info.sink as number },
      pipe: proxies.info.pipe as { echo: number; sink: number },
      ours: { echo: proxies.info.ours.echo as number, sink: proxies.info.ours.sink as number },
    };
    type Path = keyof typeof paths;
    const names = Object.keys(paths) as Path[];
    const results = Object.fromEntries(names.map((n) => [n, { mbps: [] as number[], one: [] as number[], many: [] as number[] }]));
    for (const name of names) {
      await throughputMBps(paths[name].sink, 32 * 1024 * 1024); // warm-up
      await pingPongUs(paths[name].echo, 4, 200);
    }
    // Interleave the paths in short blocks, rotating their order, so drift in
    // machine load (other work on a shared 2-core box) hits all of them alike.
    for (let r = 0; r < REPEATS; r++) {
      for (const name of [...names.slice(r % 3), ...names.slice(0, r % 3)]) {
        results[name]!.mbps.push(await throughputMBps(paths[name].sink, THROUGHPUT_BYTES));
        results[name]!.one.push(...(await pingPongUs(paths[name].echo, 1, PINGS_ONE)));
        results[name]!.many.push(...(await pingPongUs(paths[name].echo, 32, PINGS_EACH_OF_32)));
      }
    }
    const figures = Object.fromEntries(
      names.map((n) => {
        const r = results[n]!;
        return [
          n,
          {
            throughputMBps: round(median(r.mbps), 0),
            rtt1: { p50Us: round(percentile(r.one, 50)), p99Us: round(percentile(r.one, 99)) },
            rtt32: { p50Us: round(percentile(r.many, 50)), p99Us: round(percentile(r.many, 99)) },
          },
        ];
      }),
    ) as Record<Path, { throughputMBps: number; rtt1: { p50Us: number; p99Us: number }; rtt32: { p50Us: number; p99Us: number } }>;

    await client.addToxic('slow', { type: 'latency', attributes: { latency: LATENCY_MS } });
    const slow = await pingPongUs(proxies.info.ours.slow, 1, LATENCY_PINGS);
    const latencyP50Ms = percentile(slow, 50) / 1000;

    const ours = figures.ours;
    const pipe = figures.pipe;
    const ratios = {
      throughputVsPipe: round(ours.throughputMBps / pipe.throughputMBps, 3),
      rtt1P50VsPipe: round(ours.rtt1.p50Us / pipe.rtt1.p50Us, 3),
      rtt1P99VsPipe: round(ours.rtt1.p99Us / pipe.rtt1.p99Us, 3),
      rtt32P50VsPipe: round(ours.rtt32.p50Us / pipe.rtt32.p50Us, 3),
      rtt32P99VsPipe: round(ours.rtt32.p99Us / pipe.rtt32.p99Us, 3),
    };
    const targets = {
      'throughput >= 0.9x pipe': ratios.throughputVsPipe >= 0.9,
      'rtt p50 (1 conn) <= 1.1x pipe': ratios.rtt1P50VsPipe <= 1.1,
      'rtt p99 (1 conn) <= 1.1x pipe': ratios.rtt1P99VsPipe <= 1.1,
      'rtt p50 (32 conns) <= 1.1x pipe': ratios.rtt32P50VsPipe <= 1.1,
      'rtt p99 (32 conns) <= 1.1x pipe': ratios.rtt32P99VsPipe <= 1.1,
      'latency 100 ms toxic p50 within 1 ms': Math.abs(latencyP50Ms - LATENCY_MS) <= 1,
    };
    console.log(
      JSON.stringify(
        {
          config: { throughputBytes: THROUGHPUT_BYTES, writeBytes: WRITE_BYTES, repeats: REPEATS, pingsOne: PINGS_ONE, pingsEachOf32: PINGS_EACH_OF_32 },
          figures,
          latencyToxic: { settingMs: LATENCY_MS, roundTrips: LATENCY_PINGS, p50Ms: round(latencyP50Ms, 3), p99Ms: round(percentile(slow, 99) / 1000, 3) },
          ratios,
          targets,
          pass: Object.values(targets).every(Boolean),
          wallMs: round(performance.now() - benchStarted, 0),
        },
        null,
        2,
      ),
    );
  } finally {
    client.close();
    for (const c of [proxies, servers]) {
      c.process.removeAllListeners('exit');
      c.process.kill('SIGTERM');
    }
  }
}

if (role === 'servers') await runServers();
else if (role === 'proxies') {
  const arg = (name: string): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))!.split('=')[1]);
  await runProxies(arg('echo'), arg('sink'));
} else await main();
