import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startSimulation } from '../../../src/sim/simulation.ts';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

/**
 * engine auto picks a `toxiproxy-server` found on PATH and drives it through
 * the same client. No Go binary ships here, so the server on PATH is a shim
 * that translates toxiproxy-server's flags (-host, -port, -seed) and runs
 * `agentup toxiproxy`: a real Toxiproxy-compatible server in a child process.
 */
describe('a toxiproxy-server on PATH', { timeout: 60_000 }, () => {
  test('is started as the fault proxy, shown as the engine, used for faults, and stopped with the simulation', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-toxiproxy-shim-'));
    try {
      const shim = path.join(bin, 'toxiproxy-server');
      fs.writeFileSync(
        shim,
        `#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -host) h=$2;; -port) p=$2;; -seed) s="--seed $2";; esac; shift 2; done\n` +
          `exec ${process.execPath} ${path.join(REPO_ROOT, 'bin/agentup.js')} toxiproxy --host "$h" --port "$p" $s\n`,
        { mode: 0o755 },
      );
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
      const sim = await startSimulation(
        { name: 'path-engine', services: { app: { command: ['node', 'fixtures/services/hello.js'], depends_on: ['redis'] } }, redis: {} },
        { dir: REPO_ROOT, faultProxyPort: 0, env, seed: 5 },
      );
      let engineUrl = '';
      try {
        const { faultProxy } = sim.endpoints();
        engineUrl = faultProxy.url;
        expect(faultProxy.engine).toBe('toxiproxy-server 2.12.0');
        await sim.dependency('redis').latency(10);
        const toxics = await sim.dependency('redis').toxics();
        expect(toxics.map((t) => t.name)).toEqual(['latency_downstream']);
      } finally {
        await sim.stop();
      }
      await expect(fetch(`${engineUrl}/version`)).rejects.toThrow();
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
