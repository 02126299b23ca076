import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/diagnostics.ts';
import { loadEnvironmentFile, loadEnvironmentFromObject } from '../../src/config/load.ts';
import { renderTemplate } from '../../src/config/template.ts';

const validDir = fileURLToPath(new URL('./valid/', import.meta.url));
const basic = path.join(validDir, 'basic.yaml');
const env = { TOKEN_FOR_TEST: 'tok$en', HOME_FOR_TEST: '' };

describe('loading a valid environment file', () => {
  it('applies every default a key left out', async () => {
    const e = await loadEnvironmentFile(basic, { env });
    expect(e.file).toBe(basic);
    expect(e.dir).toBe(validDir.replace(/\/$/, ''));
    expect(e.name).toBe('basic');
    const triage = e.services.triage!;
    expect(triage.cwd).toBe(e.dir);
    expect(triage.portEnv).toBe('PORT');
    expect(triage.healthCheck).toEqual({ path: '/healthz', intervalMs: 1000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 });
    expect(triage.restart).toEqual({
      policy: 'always',
      backoffInitialMs: 100,
      backoffMaxMs: 5000,
      backoffMultiplier: 2,
      crashLoopRestarts: 5,
      crashLoopWindowMs: 30_000,
    });
    expect(triage.startupTimeoutMs).toBe(30_000);
    expect(triage.memoryLimitMb).toBeNull();
    expect(e.redis).toEqual({ port: null, maxmemory: '64mb', maxmemoryPolicy: 'noeviction' });
    expect(e.postgres).toMatchObject({ port: null, maxConnections: 100, databases: ['triage', 'reports'], initSql: null });
    // One service and no load_balancer: section gives a default load balancer in front of it.
    expect(e.loadBalancer).toEqual({ port: null, strategy: 'round_robin', service: 'triage' });
  });

  it('reads env_file entries as secrets and lets env: override them', async () => {
    const { env: vars } = (await loadEnvironmentFile(basic, { env })).services.triage!;
    expect(vars.OPENAI_API_KEY).toEqual({ value: 'sk-test-123', secret: true });
    expect(vars.QUOTED).toEqual({ value: 'a "quoted" value\nwith newline', secret: true });
    // Values are templates: literal `$` from files is escaped, and renders back unchanged.
    expect(renderTemplate(vars.SINGLE!.value, () => 'x')).toBe('lit $HOME \\n');
    expect(renderTemplate(vars.WITH_DOLLAR!.value, () => 'x')).toBe('pa$$word');
    expect(vars.INLINE!.value).toBe('value');
    expect(vars.EMPTY!.value).toBe('');
  });

  it('keeps dependency references for the planner and resolves ${env:...} now', async () => {
    const e = await loadEnvironmentFile(basic, { env });
    const vars = e.services.triage!.env;
    expect(vars.REDIS_URL).toEqual({ value: '${redis.url}', secret: false });
    expect(vars.DATABASE_URL!.value).toBe('${postgres.url}');
    expect(vars.WORKERS).toEqual({ value: '4', secret: false });
    expect(vars.DEBUG).toEqual({ value: 'false', secret: false });
    expect(renderTemplate(vars.PRICE!.value, () => 'x')).toBe('$5');
    // HOME_FOR_TEST is empty, so the `:-` default applies (shell semantics).
    expect(vars.HOME_DIR!.value).toBe('/tmp');
    // A value from ${env:X} is secret only when marked.
    expect(vars.API_TOKEN).toEqual({ value: 'tok$$en', secret: true });
    expect(vars.PLAIN_FROM_ENV).toEqual({ value: 'tok$$en', secret: false });
    expect(renderTemplate(vars.PLAIN_FROM_ENV!.value, () => 'x')).toBe('tok$en');
    expect(e.services.triage!.command).toBe('node server.js --name triage');
    expect(e.postgres!.users).toEqual([{ name: 'triage', password: { value: 'triage', secret: true } }]);
  });

  it('uses the shell environment when given', async () => {
    const e = await loadEnvironmentFile(basic, { env: { ...env, AGENT_NAME: 'from-shell', TRIAGE_DB_PASSWORD: 'pw' } });
    expect(e.services.triage!.command).toBe('node server.js --name from-shell');
    expect(e.postgres!.users[0]!.password).toEqual({ value: 'pw', secret: true });
  });

  it('reads every form: exec commands, string restart, disabled health checks, fixed ports', async () => {
    const e = await loadEnvironmentFile(path.join(validDir, 'two-services.yaml'), { env: {} });
    expect(e.name).toBe('shop');
    const { api, worker } = e.services;
    expect(api!.command).toEqual(['node', 'server.js', '--redis', '${redis.url}']);
    expect(api!.replicas).toBe(2);
    expect(api!.healthCheck).toBeNull();
    expect(api!.restart.policy).toBe('on_failure');
    expect(api!.env.STRIPE_KEY).toEqual({ value: 'sk_test_abc', secret: true });
    expect(api!.dependsOn).toEqual(['redis', 'worker']);
    expect(worker!.restart).toMatchObject({ policy: 'never', backoffInitialMs: 250, backoffMaxMs: 5000, crashLoopWindowMs: 60_000 });
    expect(worker!.healthCheck).toEqual({ path: '/ready', intervalMs: 500, timeoutMs: 1000, retries: 3, startPeriodMs: 90_000 });
    expect(worker!.memoryLimitMb).toBe(128);
    expect(e.redis).toEqual({ port: 6390, maxmemory: '1048576', maxmemoryPolicy: 'allkeys-lru' });
    expect(e.postgres).toBeNull();
    expect(e.loadBalancer).toEqual({ port: 18080, strategy: 'least_connections', service: 'api' });
  });

  it('records the position of every key path', async () => {
    const e = await loadEnvironmentFile('test/config/valid/two-services.yaml', { env: {} });
    expect(e.positions.get('services.api.replicas')).toEqual({ file: 'test/config/valid/two-services.yaml', line: 7, col: 15 });
    expect(e.positions.get('services.api.command.3')).toMatchObject({ line: 6, col: 41 });
    expect(e.positions.get('load_balancer.port')).toMatchObject({ line: 32, col: 9 });
  });
});

describe('loading an inline environment object', () => {
  it('runs the same checks and defaults, resolving paths against dir', () => {
    const e = loadEnvironmentFromObject(
      { services: { api: { command: 'node s.js', cwd: 'valid', env: { A: '${env:X_INLINE}' } } }, postgres: null },
      { dir: path.dirname(basic).replace(/valid$/, ''), env: { X_INLINE: 'y' } },
    );
    expect(e.file).toBe('<inline>');
    expect(e.name).toBe('inline');
    expect(e.services.api!.cwd).toBe(validDir.replace(/\/$/, ''));
    expect(e.services.api!.env.A!.value).toBe('y');
    expect(e.postgres).toMatchObject({ databases: ['app'], maxConnections: 100 });
  });

  it('reports every problem at <inline> with the exact key path', () => {
    let error: unknown;
    try {
      loadEnvironmentFromObject({ services: { api: { replicas: 0, depends_on: ['nope'] } }, redis: { port: 'x' } }, { env: {} });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const diagnostics = (error as ConfigError).diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.path}`);
    expect(diagnostics.sort()).toEqual([
      '<inline>:1:1 redis.port',
      '<inline>:1:1 services.api.command',
      '<inline>:1:1 services.api.depends_on.0',
      '<inline>:1:1 services.api.replicas',
    ]);
  });
});
