/**
 * Start-up time of the default environment vs its slowest part started alone,
 * in the same run. Prints JSON.
 *
 *   npx tsx bench/startup.ts [rounds=5] [docker]
 *
 * With `docker` only the Docker figures are measured (no process-runtime parts).
 *
 * "whole": startSimulation(environments/support-agent.yaml) until every replica
 * is healthy (in-process), and the same through the CLI (`agentup up --json`,
 * spawn to JSON line, so it includes Node and the TypeScript loader starting).
 * "parts alone": each part started by hand without agentup, as a plain start:
 * redis-server spawned and polled with PING; Postgres from the warm template;
 * the 3 replicas of the sample service spawned directly against already
 * running Redis and Postgres and polled on /healthz.
 * Targets (issue #2): whole <= 1.5x the slowest part alone; whole < 1.2 s warm.
 * "docker": the same environment with the Docker runtime (issue #8, target
 * < 2 s with local images), when an engine is found; run with the variables
 * .ci/docker-images.sh prints where no registry is reachable. The first round
 * builds the service image (and the Postgres initdb template, and bakes the
 * environment's Postgres setup beside the run); the median is over the cached ones. Next to it: the phases of the run closest to the
 * median (start-end ms; they overlap where parts start in parallel), and the
 * floor, Docker alone on the same critical path, measured in the same rounds,
 * `by_hand`: the same topology started by a hand-written dockerode script
 * (the plain start), and `via_cli_ms`: `agentup up --runtime docker --json`
 * in a fresh process (Node and the TypeScript loader on top).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startPostgres } from '../src/services/postgres.ts';
import { startRedis } from '../src/services/redis.ts';
import { startSimulation } from '../src/sim/simulation.ts';
import pg from 'pg';
import { detectDockerEngine } from '../src/runtime/docker/detect.ts';
import { missingLocally, neededImages } from '../src/runtime/docker/needed-images.ts';
import { loadEnvironmentFile } from '../src/config/load.ts';
import { ensurePostgresTemplateImage, TEMPLATE_SUPERUSER } from '../src/runtime/docker/postgres-image.ts';
import { pgLogin } from '../src/runtime/docker/postgres-container-setup.ts';
import { startContainer } from '../src/runtime/docker/containers.ts';
import { removeRunResources, startContainerReaper } from '../src/runtime/docker/container-reaper.ts';
import { ensureAgentupProxyImage } from '../src/runtime/docker/proxy-image.ts';
import { ensureServiceImage } from '../src/runtime/docker/service-image.ts';
import { defaultImages, labels } from '../src/runtime/docker/docker-names.ts';
import { PHASES_LOG_MESSAGE } from '../src/runtime/docker/startup-phases.ts';
import { getFreePort } from '../src/util/ports.ts';
import { makeTempDir, ramTempBase } from '../src/util/tempdir.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENV_FILE = path.join(ROOT, 'environments/support-agent.yaml');
const rounds = Number(process.argv[2] ?? 5);
const dockerOnly = process.argv[3] === 'docker';
/** The Docker run id of the bench's own containers (agentup's runs have their own). */
const BENCH_RUN = `bench${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pollUntil(check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('bench: part did not become ready');
    await sleep(everyMs);
  }
}

function tcpAnswer(port: number, send: string, expect: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.on('connect', () => s.write(send));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes(expect)) (s.destroy(), resolve(true));
    });
    s.on('error', () => resolve(false));
    // Docker's port proxy accepts, then closes without an error when nothing listens behind it yet.
    s.on('close', () => resolve(buf.includes(expect)));
  });
}

async function httpOk(port: number, p: string): Promise<boolean> {
  try {
    // Bounded: Docker's port proxy accepts before the server listens and may hold the connection.
    const res = await fetch(`http://127.0.0.1:${port}${p}`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function plainRedis(): Promise<number> {
  const port = await getFreePort();
  const t0 = performance.now();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await pollUntil(() => tcpAnswer(port, 'PING\r\n', '+PONG'));
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  return ms;
}

async function warmPostgres(workDir: string): Promise<number> {
  const t0 = performance.now();
  const pg = await startPostgres({ port: await getFreePort(), maxConnections: 20, databases: ['triage'], users: [{ name: 'triage', password: 'bench-pw' }], initSqlFile: path.join(ROOT, 'fixtures/agents/support-triage/schema.sql'), workDir });
  const ms = performance.now() - t0;
  await pg.stop();
  return ms;
}

/** The 3 replicas spawned by hand against running dependencies, to /healthz. */
async function plainReplicas(workDir: string): Promise<number> {
  const redis = await startRedis({ port: await getFreePort(), workDir });
  const pg = await startPostgres({ port: await getFreePort(), maxConnections: 20, databases: ['triage'], users: [{ name: 'triage', password: 'bench-pw' }], initSqlFile: path.join(ROOT, 'fixtures/agents/support-triage/schema.sql'), workDir });
  const ports = [await getFreePort(), await getFreePort(), await getFreePort()];
  const t0 = performance.now();
  const children = ports.map((port) =>
    spawn(process.execPath, ['fixtures/agents/support-triage/server.js'], {
      cwd: ROOT,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, PORT: String(port), REDIS_URL: redis.url, DATABASE_URL: pg.url('triage', { name: 'triage', password: 'bench-pw' }), PG_POOL_SIZE: '5' },
    }),
  );
  await Promise.all(ports.map((port) => pollUntil(() => httpOk(port, '/healthz'))));
  const ms = performance.now() - t0;
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([redis.stop(), pg.stop()]);
  return ms;
}

async function wholeInProcess(): Promise<number> {
  const t0 = performance.now();
  const sim = await startSimulation(ENV_FILE, { faultProxyPort: 0, runtime: 'process' });
  const ms = performance.now() - t0;
  await sim.stop();
  return ms;
}

async function wholeCli(runtime: 'process' | 'docker' = 'process'): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/agentup.js'), 'up', '--json', '--fault-proxy-port', '0', '--runtime', runtime], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('{') && resolve());
    child.on('exit', (code) => reject(new Error(`agentup up exited with ${code}`)));
  });
  const ms = performance.now() - t0;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

type Phases = Array<{ name: string; startMs: number; endMs: number }>;
const dockerPhases: Phases[] = [];

async function wholeDocker(): Promise<number> {
  let phases: Phases = [];
  const t0 = performance.now();
  const sim = await startSimulation(ENV_FILE, {
    faultProxyPort: 0,
    runtime: 'docker',
    onLog: (l) => {
      if (l.replica === 'agentup' && l.msg.startsWith(PHASES_LOG_MESSAGE)) phases = (l.fields?.phases as Phases | undefined) ?? [];
    },
  });
  const ms = performance.now() - t0;
  dockerPhases.push(phases);
  await sim.stop();
  return ms;
}

/**
 * The floor, measured alone in the same run: what Docker itself takes here to
 * bring up the critical path of this topology with nothing of agentup's in it.
 * Postgres from the initdb template until a login works, then (depends_on) 3
 * Node containers with a trivial HTTP server until each answers, published on
 * 127.0.0.1 and polled every 25 ms, like the runtime does.
 */
async function dockerFloor(): Promise<{ postgres: number; node_x3: number }> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  const made: Array<Awaited<ReturnType<typeof startContainer>>> = [];
  let n = 0;
  // On the default bridge, a port each published on loopback.
  const run = async (image: string, cmd: string[], containerPort: number) => {
    const hostPort = await getFreePort();
    const name = `${BENCH_RUN}-floor-${Date.now()}-${n++}`;
    made.push(await startContainer(docker, { runId: BENCH_RUN, component: 'floor', name, image, network: 'bridge', aliases: [], cmd, ports: [[containerPort, hostPort]] }));
    return hostPort;
  };
  try {
    const template = await ensurePostgresTemplateImage(docker, process.env.AGENTUP_POSTGRES_IMAGE || 'postgres:16', BENCH_RUN);
    let t0 = performance.now();
    const pgPort = await run(template.tag, ['-c', 'fsync=off'], 5432);
    await pollUntil(() => pgLogin(pgPort, TEMPLATE_SUPERUSER.user, TEMPLATE_SUPERUSER.password).catch(() => false), 60_000, 25);
    const postgres = performance.now() - t0;
    t0 = performance.now();
    const server = "require('http').createServer((q, s) => s.end('ok')).listen(8080, '0.0.0.0')";
    const ports = await Promise.all([1, 2, 3].map(() => run(process.env.AGENTUP_NODE_IMAGE || 'node:20-slim', ['node', '-e', server], 8080)));
    await Promise.all(ports.map((port) => pollUntil(() => httpOk(port, '/'), 60_000, 25)));
    return { postgres, node_x3: performance.now() - t0 };
  } finally {
    await Promise.all(made.map((c) => c.remove({ force: true, v: true }).catch(() => undefined)));
  }
}

/**
 * The plain start, by hand, same run: what a hand-written dockerode script
 * takes to bring up this topology with nothing of agentup's in it, every
 * container with a network namespace of its own (the usual way): a network;
 * Redis, Postgres from the same initdb template (a script with the official
 * image would also pay initdb) with the databases, user and schema applied
 * over its port, and the same proxy image populated with the two proxies, in
 * parallel; then (depends_on) the 3 replicas of the same service image, each
 * published on 127.0.0.1 and polled on /healthz every 25 ms. Left out, in
 * the script's favour: the mock APIs and the port forwarder that reaches them.
 */
async function dockerByHand(serviceTag: string, proxyImage: string, templateTag: string): Promise<number> {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  const made: Array<Awaited<ReturnType<typeof startContainer>>> = [];
  const name = `${BENCH_RUN}-by-hand-${Date.now()}`;
  const run = async (image: string, alias: string, opts: { cmd?: string[]; env?: Record<string, string>; ports?: Array<[number, number]> } = {}) => {
    made.push(await startContainer(docker, { runId: BENCH_RUN, component: alias, name: `${name}-${alias}`, image, network: name, aliases: [alias], ...opts }));
  };
  const t0 = performance.now();
  const network = await docker.createNetwork({ Name: name, Labels: labels(BENCH_RUN, 'network') });
  try {
    const [redisPort, pgPort, apiPort, redisProxy, pgProxy] = await Promise.all([1, 2, 3, 4, 5].map(() => getFreePort()));
    const redis = (async () => {
      await run(process.env.AGENTUP_REDIS_IMAGE || 'redis:7', 'redis', { cmd: ['--save', ''], ports: [[6379, redisPort!]] });
      await pollUntil(() => tcpAnswer(redisPort!, 'PING\r\n', '+PONG'), 60_000, 25);
    })();
    const postgres = (async () => {
      await run(templateTag, 'postgres', { cmd: ['-c', 'max_connections=20', '-c', 'fsync=off'], ports: [[5432, pgPort!]] });
      const connect = (database: string, user: string, password: string) => {
        const client = new pg.Client({ host: '127.0.0.1', port: pgPort, user, password, database, connectionTimeoutMillis: 1000 });
        client.on('error', () => undefined);
        return client.connect().then(() => client, (err: Error) => (client.end().catch(() => undefined), Promise.reject(err)));
      };
      let admin: pg.Client | null = null;
      await pollUntil(async () => (admin = await connect('postgres', 'postgres', 'postgres').catch(() => null)) !== null, 60_000, 25);
      await admin!.query("CREATE ROLE triage LOGIN PASSWORD 'bench-pw'");
      await admin!.query('CREATE DATABASE triage OWNER triage');
      await admin!.end();
      const app = await connect('triage', 'triage', 'bench-pw');
      await app.query(readFileSync(path.join(ROOT, 'fixtures/agents/support-triage/schema.sql'), 'utf8'));
      await app.end();
    })();
    const proxy = (async () => {
      await run(proxyImage, 'fault-proxy', { ports: [[8474, apiPort!], [redisProxy!, redisProxy!], [pgProxy!, pgProxy!]] });
      await pollUntil(() => httpOk(apiPort!, '/version'), 60_000, 25);
      const res = await fetch(`http://127.0.0.1:${apiPort}/populate`, {
        method: 'POST',
        body: JSON.stringify([{ name: 'redis', listen: `0.0.0.0:${redisProxy}`, upstream: 'redis:6379' }, { name: 'postgres', listen: `0.0.0.0:${pgProxy}`, upstream: 'postgres:5432' }]),
      });
      if (!res.ok) throw new Error(`bench: populate answered ${res.status}`);
    })();
    await Promise.all([redis, postgres, proxy]);
    const env = { DATABASE_URL: `postgres://triage:bench-pw@fault-proxy:${pgProxy}/triage`, REDIS_URL: `redis://fault-proxy:${redisProxy}`, LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_API_KEY: 'sk-bench', SENTIMENT_URL: 'http://127.0.0.1:9/v1/sentiment', PG_POOL_SIZE: '5' };
    const replicaPorts = await Promise.all([1, 2, 3].map(() => getFreePort()));
    await Promise.all(replicaPorts.map((port, i) => run(serviceTag, `triage-${i + 1}`, { cmd: ['node', 'server.js'], env: { ...env, PORT: String(port) }, ports: [[port, port]] })));
    await Promise.all(replicaPorts.map((port) => pollUntil(() => httpOk(port, '/healthz'), 60_000, 25)));
    return performance.now() - t0;
  } finally {
    await Promise.all(made.map((c) => c.remove({ force: true, v: true }).catch(() => undefined)));
    await network.remove().catch(() => undefined);
  }
}

/** The Docker figures: the median, the phases of the run closest to it, and the floor measured alongside. */
function dockerResult(docker: number, whole: number | null, samples: number[], floors: Array<{ postgres: number; node_x3: number }>, viaCli: number[], byHand: number[]) {
  const cached = samples.slice(1);
  const closest = cached.reduce((best, x, i) => (Math.abs(x - docker) < Math.abs(cached[best]! - docker) ? i : best), 0);
  const phases = dockerPhases.slice(1)[closest] ?? [];
  const floor = median(floors.map((f) => f.postgres + f.node_x3));
  return {
    whole_ms: round(docker),
    ...(whole === null ? {} : { ratio_to_process_whole: Number((docker / whole).toFixed(2)) }),
    under_2000ms: docker < 2000,
    via_cli_ms: round(median(viaCli)),
    target_ms: 2000,
    floor: {
      what: 'Docker alone, same run: Postgres from the initdb template to a login, then 3 Node containers to HTTP 200 (depends_on makes them serial)',
      postgres_ms: round(median(floors.map((f) => f.postgres))),
      node_x3_ms: round(median(floors.map((f) => f.node_x3))),
      total_ms: round(floor),
      agentup_over_floor_ms: round(docker - floor),
    },
    by_hand: {
      what: 'the same topology started by a hand-written dockerode script, same run: every container with its own network namespace, Postgres from the same template with its setup over the port, no mock APIs or port forwarder',
      median_ms: round(median(byHand)),
      agentup_ratio: Number((docker / median(byHand)).toFixed(2)),
    },
    phases_of_median_run_ms: Object.fromEntries(phases.map((p) => [p.name, [p.startMs, p.endMs]])),
  };
}

/** The images the by-hand script uses: the ones agentup's run uses (the service's tag is built, from cache, labelled with the bench's run). */
async function byHandImages() {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker();
  const env = await loadEnvironmentFile(ENV_FILE);
  const images = defaultImages(process.env);
  const service = await ensureServiceImage(docker, { service: 'triage', build: env.services.triage!.build!, nodeImage: images.node, runId: BENCH_RUN });
  const proxy = images.faultProxy === 'agentup' ? await ensureAgentupProxyImage({ nodeImage: images.node ?? 'node:20-slim' }) : images.faultProxy;
  const template = (await ensurePostgresTemplateImage(docker, images.postgres, BENCH_RUN)).tag;
  return { service, proxy, template };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x);

const work = await makeTempDir('agentup-bench-', ramTempBase());
try {
  await warmPostgres(work.path); // builds the initdb template if this machine has none yet
  const samples = { redis: [] as number[], postgres: [] as number[], replicas: [] as number[], whole: [] as number[], wholeCli: [] as number[], docker: [] as number[], docker_cli: [] as number[], docker_floor: [] as number[], docker_by_hand: [] as number[] };
  const floors: Array<{ postgres: number; node_x3: number }> = [];
  // Like `--runtime auto`, the Docker part never pulls: without an engine or the images it is skipped, saying why.
  const detection = await detectDockerEngine();
  let dockerSkipped = detection.engine ? null : `no Docker engine: ${detection.reasons.join('; ')}`;
  if (detection.engine) {
    const { default: Docker } = await import('dockerode');
    const missing = await missingLocally(new Docker(detection.engine.dockerOptions), neededImages(await loadEnvironmentFile(ENV_FILE), process.env));
    if (missing.length > 0) dockerSkipped = `images not on this machine: ${missing.join(', ')} (docker pull them, or run .ci/docker-images.sh and export the variables it prints)`;
  }
  const useDocker = dockerSkipped === null;
  if (useDocker) samples.docker.push(await wholeDocker()); // builds the service image once, not counted
  if (dockerOnly && !useDocker) throw new Error(`bench: docker only, but ${dockerSkipped}`);
  // The bench's own containers, network and built tag carry BENCH_RUN: the runtime's watchdog removes them if the bench dies.
  const reaper = useDocker ? await startContainerReaper(BENCH_RUN) : null;
  const byHand = useDocker ? await byHandImages() : null;
  for (let i = 0; i < rounds; i++) {
    if (!dockerOnly) {
      samples.redis.push(await plainRedis());
      samples.postgres.push(await warmPostgres(work.path));
      samples.replicas.push(await plainReplicas(work.path));
      samples.whole.push(await wholeInProcess());
      samples.wholeCli.push(await wholeCli());
    }
    if (useDocker) {
      samples.docker.push(await wholeDocker());
      samples.docker_cli.push(await wholeCli('docker'));
      const floor = await dockerFloor();
      floors.push(floor);
      samples.docker_floor.push(floor.postgres + floor.node_x3);
      samples.docker_by_hand.push(await dockerByHand(byHand!.service.tag, byHand!.proxy, byHand!.template));
    }
  }
  if (reaper) {
    await removeRunResources(BENCH_RUN);
    await reaper.stop();
  }
  const docker = useDocker ? median(samples.docker.slice(1)) : null;
  const dockerPart = docker === null ? { skipped: dockerSkipped } : (whole: number | null) => dockerResult(docker, whole, samples.docker, floors, samples.docker_cli, samples.docker_by_hand);
  const samplesMs = Object.fromEntries(Object.entries(samples).filter(([, v]) => v.length > 0).map(([k, v]) => [k, v.map(round)]));
  let result: object;
  if (dockerOnly) {
    result = { bench: 'startup', environment: 'environments/support-agent.yaml', rounds, samples_ms: samplesMs, docker: typeof dockerPart === 'function' ? dockerPart(null) : dockerPart };
  } else {
    const parts = { redis: median(samples.redis), postgres: median(samples.postgres), replicas_x3: median(samples.replicas) };
    const slowest = Math.max(...Object.values(parts));
    const whole = median(samples.whole);
    result = {
      bench: 'startup',
      environment: 'environments/support-agent.yaml',
      rounds,
      median_ms: { ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`${k}_alone`, round(v)])), whole: round(whole), whole_via_cli: round(median(samples.wholeCli)) },
      samples_ms: samplesMs,
      ratio_whole_to_slowest_part: Number((whole / slowest).toFixed(2)),
      ratio_whole_to_sum_of_parts: Number((whole / (parts.redis + parts.postgres + parts.replicas_x3)).toFixed(2)),
      docker: typeof dockerPart === 'function' ? dockerPart(whole) : dockerPart,
      targets: {
        whole_at_most_1_5x_slowest_part: whole <= 1.5 * slowest,
        whole_under_1200ms: whole < 1200,
      },
    };
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  await work.remove();
}
