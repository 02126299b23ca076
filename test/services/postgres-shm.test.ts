import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { startPostgres } from '../../src/services/postgres.ts';
import { getFreePort } from '../../src/util/ports.ts';
import { makeTempDir } from '../../src/util/tempdir.ts';

const segments = (): string[] => (fs.existsSync('/dev/shm') ? fs.readdirSync('/dev/shm').filter((f) => f.startsWith('PostgreSQL.')) : []);

describe('Postgres killed with SIGKILL', { timeout: 30_000 }, () => {
  test('leaves no shared memory segment behind in /dev/shm (they live in its data dir)', async () => {
    const before = new Set(segments());
    const work = await makeTempDir('agentup-shm-test-');
    try {
      const pg = await startPostgres({ port: await getFreePort(), maxConnections: 5, databases: ['app'], users: [], workDir: work.path });
      const exited = new Promise((resolve) => pg.onExit(resolve));
      process.kill(-pg.pid, 'SIGKILL');
      await exited;
      await pg.stop();
    } finally {
      await work.remove();
    }
    expect(segments().filter((f) => !before.has(f))).toEqual([]);
  });
});
