import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dockerProblemOrWarn } from './support/docker-problem.ts';
import { runLeftOver } from './support/docker-cli.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REAPER = path.join(ROOT, 'src/runtime/docker/container-reaper.ts');
const REDIS_IMAGE = process.env.AGENTUP_REDIS_IMAGE ?? 'agentup-ci/redis:7';
const BASE_IMAGE = 'agentup-ci/debian:bookworm';

const noDocker = await dockerProblemOrWarn('test/runtime/docker/container-reaper.test.ts');

// Stands in for agentup: starts the reaper, then creates a labelled network,
// a labelled running container on it and a labelled image, the way the
// Docker runtime does, reports them as one JSON line and waits for kill -9
// (MODE=kill), cleans up normally (MODE=remove) or only stops the watchdog (MODE=stop).
const CHILD = `
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
const { startContainerReaper, removeRunResources } = await import(${JSON.stringify(REAPER)});
const runId = process.env.RUN_ID;
const labels = { 'agentup.run': runId };
const reaper = await startContainerReaper(runId);
const docker = new Docker();
const network = await docker.createNetwork({ Name: 'agentup-reaper-test-' + runId, Labels: labels });
const container = await docker.createContainer({ Image: ${JSON.stringify(REDIS_IMAGE)}, Labels: labels, HostConfig: { NetworkMode: network.id } });
await container.start();
const context = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-reaper-test-'));
fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM ${BASE_IMAGE}\\n');
const image = 'agentup-reaper-test:' + runId;
const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: image, labels, rm: true });
await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
fs.rmSync(context, { recursive: true, force: true });
console.log(JSON.stringify({ watchdog: reaper.pid, container: container.id, network: network.id, image }));
if (process.env.MODE === 'remove') console.log(JSON.stringify(await removeRunResources(runId)));
if (process.env.MODE !== 'kill') {
  await reaper.stop();
  console.log('stopped');
}
setInterval(() => {}, 1000);
`;

interface Owned {
  watchdog: number;
  container: string;
  network: string;
  image: string;
}

let runs = 0;
const started: Array<{ child: ChildProcess; runId: string; watchdog?: number }> = [];

function startAgent(mode: 'kill' | 'remove' | 'stop') {
  const runId = `reaper-test-${process.pid}-${++runs}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
    cwd: ROOT,
    env: { ...process.env, MODE: mode, RUN_ID: runId },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const entry: (typeof started)[number] = { child, runId };
  started.push(entry);
  const lines: string[] = [];
  const owned = new Promise<Owned>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        const o = JSON.parse(line) as Owned;
        entry.watchdog = o.watchdog;
        resolve(o);
      }
    });
    child.once('exit', (code) => reject(new Error(`agent stand-in exited with ${code} before reporting`)));
  });
  return { child, runId, owned, lines };
}

/** What `docker` itself lists for the run, independent of the code under test. */
const leftOver = (runId: string) => runLeftOver(runId, { images: true });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(noDocker !== undefined)('container reaper (our own Ryuk)', { timeout: 120_000 }, () => {
  afterEach(() => {
    // Only what this test started, with the docker CLI, in case an assertion failed midway.
    for (const { child, runId, watchdog } of started.splice(0)) {
      for (const pid of [child.pid, watchdog]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
      const filter = `label=agentup.run=${runId}`;
      const sh = (script: string) => execFileSync('sh', ['-c', script], { stdio: 'ignore' });
      sh(`docker ps -aq --filter ${filter} | xargs -r docker rm -f`);
      sh(`docker network ls -q --filter ${filter} | xargs -r docker network rm`);
      sh(`docker images -q --filter ${filter} | sort -u | xargs -r docker rmi -f`);
    }
  });

  it('after kill -9 of agentup, its labelled container, network and image are removed, and the watchdog exits', async () => {
    const { child, runId, owned } = startAgent('kill');
    const o = await owned;
    expect(leftOver(runId)).toHaveLength(3);
    expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', o.container], { encoding: 'utf8' }).trim()).toBe('true');
    child.kill('SIGKILL');
    // The watchdog sweeps at once and again 1s later; removing a running
    // container takes well under 2s here. 20s leaves room for a busy 2-core machine.
    await expect.poll(() => leftOver(runId), { timeout: 20_000, interval: 250 }).toEqual([]);
    await expect.poll(() => isAlive(o.watchdog), { timeout: 10_000, interval: 100 }).toBe(false);
  });

  it('removeRunResources removes and counts them; stop() then ends the watchdog', async () => {
    const { runId, owned, lines } = startAgent('remove');
    const o = await owned;
    await expect.poll(() => lines.includes('stopped'), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(JSON.parse(lines[1]!)).toEqual({ containers: 1, networks: 1, images: 1 });
    expect(leftOver(runId)).toEqual([]);
    expect(isAlive(o.watchdog)).toBe(false);
  });

  it('after stop(), agentup dying removes nothing: stop means the run is already cleaned up', async () => {
    const { child, runId, owned, lines } = startAgent('stop');
    const o = await owned;
    await expect.poll(() => lines.includes('stopped'), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(isAlive(o.watchdog)).toBe(false);
    child.kill('SIGKILL');
    // A wrongly triggered reap would have swept within 1.5s; 3s is double that.
    await new Promise((r) => setTimeout(r, 3000));
    expect(leftOver(runId)).toHaveLength(3);
  });
});
