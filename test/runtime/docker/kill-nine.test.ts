import { engine } from './support/local-images.ts';
import { dockerIds, runLeftOver } from './support/docker-cli.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// agentup itself, as far as Docker can tell: the default environment started
// with the Docker runtime (mock APIs reached through the run's port
// forwarder), then the run id reported as one JSON line, then nothing until kill -9.
const CHILD = `
await import(${JSON.stringify(path.join(ROOT, 'test/runtime/docker/support/local-images.ts'))});
const { startSimulation } = await import(${JSON.stringify(path.join(ROOT, 'src/sim/simulation.ts'))});
const sim = await startSimulation('environments/support-agent.yaml', { runtime: 'docker', faultProxyPort: 0 });
const runId = /agentup-([0-9a-f]+)$/.exec(sim.endpoints().workDir)[1];
console.log(JSON.stringify({ runId }));
setInterval(() => {}, 1000);
`;

const leftOver = (runId: string) => runLeftOver(runId);

/** The run's containers by component label. */
const components = (runId: string) => dockerIds('ps', '-a', '--filter', `label=agentup.run=${runId}`, '--format', '{{.Label "agentup.component"}}').sort();

const children: Array<{ child: ChildProcess; reported?: { runId: string } }> = [];

describe.skipIf(!engine)('docker runtime: kill -9 of agentup', { timeout: 180_000 }, () => {
  afterEach(() => {
    // Only what this test started, in case an assertion failed midway.
    for (const { child, reported } of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (!reported) continue;
      const sh = (script: string) => execFileSync('sh', ['-c', script], { stdio: 'ignore' });
      sh(`docker ps -aq --filter label=agentup.run=${reported.runId} | xargs -r docker rm -f`);
      sh(`docker network ls -q --filter label=agentup.run=${reported.runId} | xargs -r docker network rm`);
    }
  });

  it('leaves no container or network of the run, port forwarder included', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const entry: (typeof children)[number] = { child };
    children.push(entry);
    const reported = await new Promise<{ runId: string }>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { runId: string }));
      child.once('exit', (code) => reject(new Error(`agentup stand-in exited with ${code} before reporting`)));
    });
    entry.reported = reported;
    const before = leftOver(reported.runId);
    // The dependency pod (proxy, redis, postgres, port forwarder), 3 replicas, and the network.
    expect(components(reported.runId)).toEqual(['fault_proxy', 'port-forwarder', 'postgres', 'redis', 'triage-1', 'triage-2', 'triage-3']);
    expect(before.filter((x) => x.startsWith('network'))).toHaveLength(1);
    child.kill('SIGKILL');
    // The watchdog sweeps at once and up to 4 times more, 1 s apart; removing 7
    // running containers takes a few seconds here. 45 s leaves room for a busy 2-core machine.
    await expect.poll(() => leftOver(reported.runId), { timeout: 45_000, interval: 500 }).toEqual([]);
  });
});
