import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries } from '../../src/services/binaries.ts';
import { copyDataDir, defaultCacheDir, ensurePostgresTemplate, type PostgresTemplate } from '../../src/services/postgres-template.ts';
import { postgresRunAs } from '../../src/services/postgres-user.ts';
import { makeTempDir, ramTempBase, type TempDir } from '../../src/util/tempdir.ts';

const run = promisify(execFile);
const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
const fixture = path.resolve(import.meta.dirname, 'fixtures/ensure-template.ts');

async function buildInChild(cacheDir: string): Promise<PostgresTemplate> {
  const { stdout } = await run(tsx, [fixture, cacheDir], { timeout: 45_000 });
  return JSON.parse(stdout) as PostgresTemplate;
}

describe('ensurePostgresTemplate', { timeout: 60_000 }, () => {
  let cache: TempDir;
  beforeAll(async () => {
    cache = await makeTempDir('agentup-pg-cache-test-');
  });
  afterAll(() => cache.remove());

  it('defaults to ${XDG_CACHE_HOME:-~/.cache}/agentup', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/agentup');
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'agentup'));
  });

  it('survives two processes racing on a cold cache, then reuses the template', async () => {
    const runAs = await postgresRunAs();
    const { version } = await findPostgresBinaries();
    const stagingBefore = fs.readdirSync(ramTempBase()).filter((n) => n.startsWith('agentup-initdb-'));
    const [a, b] = await Promise.all([buildInChild(cache.path), buildInChild(cache.path)]);
    console.log(`cold initdb: ${a.initdbMs}ms and ${b.initdbMs}ms (two racing processes)`);
    const versionDir = path.join(cache.path, `postgres-${version}`);
    expect(a.dir).toBe(path.join(versionDir, 'template'));
    expect(b.dir).toBe(a.dir);
    // The loser of the rename race removed its copy; no half-built template is visible.
    expect(fs.readdirSync(versionDir)).toEqual(['template']);
    expect(fs.readFileSync(path.join(a.dir, 'PG_VERSION'), 'utf8').trim()).toBe(version.split('.')[0]);
    const stagingAfter = fs.readdirSync(ramTempBase()).filter((n) => n.startsWith('agentup-initdb-'));
    expect(stagingAfter.filter((n) => !stagingBefore.includes(n))).toEqual([]);

    const again = await ensurePostgresTemplate(runAs, cache.path);
    expect(again).toEqual({ dir: a.dir, version, initdbMs: null });
  });

  it('shares one build between concurrent callers in one process', async () => {
    const own = await makeTempDir('agentup-pg-cache-test-');
    try {
      const runAs = await postgresRunAs();
      const [a, b] = await Promise.all([ensurePostgresTemplate(runAs, own.path), ensurePostgresTemplate(runAs, own.path)]);
      expect(a).toBe(b);
      expect(a.initdbMs).toBeGreaterThan(0);
    } finally {
      await own.remove();
    }
  });

  it('copies a data dir owned by the user Postgres runs as, with mode 0700', async () => {
    const runAs = await postgresRunAs();
    const template = await ensurePostgresTemplate(runAs, cache.path);
    const target = path.join(cache.path, 'copy');
    await copyDataDir(template.dir, target, runAs);
    const stat = fs.statSync(target);
    expect(stat.mode & 0o777).toBe(0o700);
    expect(stat.uid).toBe(runAs?.uid ?? process.getuid!());
    expect(fs.statSync(path.join(target, 'global', 'pg_control')).uid).toBe(stat.uid);
  });
});
