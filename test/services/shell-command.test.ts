import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Replica, shellCommand } from '../../src/services/replica.ts';
import { getFreePort } from '../../src/util/ports.ts';
import { REPO_ROOT } from '../support/agentup-cli.ts';

describe('string commands', { timeout: 20_000 }, () => {
  test('a simple command is exec-ed; lists, pipes and redirections keep their shell', () => {
    expect(shellCommand('node server.js --port 3')).toBe('exec node server.js --port 3');
    expect(shellCommand('echo "no config" >&2; exit 3')).toBe('echo "no config" >&2; exit 3');
    expect(shellCommand('node a.js | tee log')).toBe('node a.js | tee log');
    expect(shellCommand('node $APP')).toBe('node $APP');
    expect(shellCommand('exec node a.js')).toBe('exec node a.js');
  });

  test('the replica pid is the program itself, so SIGTERM reaches it and it exits cleanly', async () => {
    const port = await getFreePort();
    const replica = Replica.spawn({ id: 'hello-1', command: 'node fixtures/services/hello.js', cwd: REPO_ROOT, env: { PATH: process.env.PATH!, PORT: String(port) } });
    try {
      await expect.poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0), { timeout: 10_000 }).toBe(200);
      expect(fs.readFileSync(`/proc/${replica.pid}/comm`, 'utf8').trim()).toBe('node');
      replica.kill('SIGTERM');
      const exit = await replica.exited;
      // node's default SIGTERM handling: terminated by the signal itself, not a shell dying around it.
      expect(exit.signal ?? String(exit.code)).toMatch(/SIGTERM|^0$/);
    } finally {
      replica.kill('SIGKILL');
    }
  });
});
