import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `node bin/agentup.js ...` from the repo root as a real child process. */
function agentup(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/agentup.js', ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each case spawns node with the tsx loader: a few seconds on a busy 2-core machine.
describe('agentup validate', { timeout: 60_000 }, () => {
  it('prints a one-line summary for a valid file and exits 0', async () => {
    const { code, stdout, stderr } = await agentup(['validate', 'test/config/valid/two-services.yaml']);
    expect(stderr).toBe('');
    expect(stdout).toBe('✔ test/config/valid/two-services.yaml is valid: 2 services (3 replicas), redis, load balancer on least_connections\n');
    expect(code).toBe(0);
  });

  it('never prints secret values', async () => {
    const env = { TOKEN_FOR_TEST: 'tok-very-secret' };
    const text = await agentup(['validate', 'test/config/valid/basic.yaml'], env);
    const json = await agentup(['validate', '--json', 'test/config/valid/basic.yaml'], env);
    expect(text.stdout).toBe('✔ test/config/valid/basic.yaml is valid: 1 service (3 replicas), redis, postgres, load balancer on round_robin\n');
    for (const secret of ['tok-very-secret', 'sk-test-123']) {
      expect(text.stdout + json.stdout).not.toContain(secret);
    }
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({ valid: true, name: 'basic', redis: true, postgres: true, loadBalancer: { strategy: 'round_robin', service: 'triage' } });
    expect(summary.services.triage.replicas).toBe(3);
    expect(json.code).toBe(0);
  });

  it('prints every error to stderr and exits 1', async () => {
    const { code, stdout, stderr } = await agentup(['validate', 'test/config/invalid/many-errors.yaml']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(readFileSync(new URL('./invalid/many-errors.txt', import.meta.url), 'utf8'));
  });

  it('--json lists the errors with file, line, col, path, message and hint', async () => {
    const { code, stdout } = await agentup(['validate', 'test/config/invalid/port-clash.yaml', '--json']);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      {
        file: 'test/config/invalid/port-clash.yaml',
        line: 7,
        col: 9,
        path: 'postgres.port',
        message: 'postgres.port 6380 is also used by redis.port (test/config/invalid/port-clash.yaml:5:9)',
        hint: 'give each a different port, or leave one out to get a free port',
      },
      {
        file: 'test/config/invalid/port-clash.yaml',
        line: 9,
        col: 9,
        path: 'load_balancer.port',
        message: 'load_balancer.port 6380 is also used by redis.port (test/config/invalid/port-clash.yaml:5:9)',
        hint: 'give each a different port, or leave one out to get a free port',
      },
    ]);
  });

  it('reports a missing file and a missing argument as user errors', async () => {
    const missing = await agentup(['validate', 'no/such/file.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: environment file no\/such\/file\.yaml does not exist\nhint: /);
    const json = await agentup(['validate', '--json', 'no/such/file.yaml']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, errors: [{ file: 'no/such/file.yaml', line: 0, col: 0, path: '' }] });
    const none = await agentup(['validate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/validate needs an environment file/);
  });
});
