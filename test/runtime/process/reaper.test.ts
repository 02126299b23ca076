import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../services/service-fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHILD = path.join(ROOT, 'test/runtime/process/reaper-child.ts');

interface Owned {
  pids: number[];
  dir: string;
  watchdog: number;
}

const leftovers: number[] = [];
const dirs: string[] = [];

function startAgent(mode: 'kill' | 'close'): { child: ChildProcess; owned: Promise<Owned>; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: { ...process.env, MODE: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const owned = new Promise<Owned>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        const o = JSON.parse(line) as Owned;
        leftovers.push(...o.pids, o.watchdog);
        dirs.push(o.dir);
        resolve(o);
      }
    });
    child.once('exit', (code) => reject(new Error(`agent stand-in exited with ${code} before reporting`)));
  });
  leftovers.push(child.pid!);
  return { child, owned, lines };
}

describe('parent-death reaper', { timeout: 40_000 }, () => {
  afterEach(() => {
    // Only the pids this test started, in case an assertion failed midway.
    for (const pid of leftovers.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('after kill -9 of agentup, every process it started is gone within 5s and its temp dir removed', async () => {
    const { child, owned } = startAgent('kill');
    const o = await owned;
    expect(o.pids).toHaveLength(3);
    expect(o.pids.filter(isAlive)).toEqual(o.pids);
    expect(fs.existsSync(o.dir)).toBe(true);
    const t0 = Date.now();
    child.kill('SIGKILL');
    // The requirement is 5s; the watchdog's grace is 1s, so this has 4s of slack.
    await expect.poll(() => [...o.pids, o.watchdog].filter(isAlive), { timeout: 5000, interval: 50 }).toEqual([]);
    expect(fs.existsSync(o.dir)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('close() leaves tracked processes alone and the watchdog exits', async () => {
    const { owned, lines, child } = startAgent('close');
    const o = await owned;
    await expect.poll(() => lines.includes('closed'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => isAlive(o.watchdog), { timeout: 3000 }).toBe(false);
    child.kill('SIGKILL');
    // Give a wrongly triggered reap its full grace (1s) plus margin before checking.
    await new Promise((r) => setTimeout(r, 1500));
    expect(o.pids.filter(isAlive)).toEqual(o.pids);
    expect(fs.existsSync(o.dir)).toBe(true);
    for (const pid of o.pids) process.kill(-pid, 'SIGKILL');
    await expect.poll(() => o.pids.filter(isAlive), { timeout: 3000 }).toEqual([]);
  });
});
