import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/diagnostics.ts';
import { loadEnvironmentFile } from '../../src/config/load.ts';

/**
 * Every broken file in test/config/invalid/ has the exact expected output
 * beside it (<name>.txt). Paths in the output are relative to the repo root,
 * as the files are passed here. `UPDATE_GOLDEN=1` rewrites them; review the diff.
 */
const invalidDir = fileURLToPath(new URL('./invalid/', import.meta.url));
const relativeDir = path.relative(process.cwd(), invalidDir);
const cases = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml')).sort();
// A fixed environment, so `${env:...}` results do not depend on the machine.
const env = { AGENTUP_GOLDEN_SET: 'set-value' };

describe('golden config errors', () => {
  it('runs from the repo root, so golden paths read test/config/invalid/...', () => {
    expect(relativeDir).toBe(path.join('test', 'config', 'invalid'));
  });

  it('has at least 25 broken files, each with its expected output', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    if (process.env.UPDATE_GOLDEN) return;
    for (const name of cases) expect(existsSync(path.join(invalidDir, name.replace(/\.yaml$/, '.txt'))), name).toBe(true);
  });

  it.each(cases)('%s', async (name) => {
    const file = path.join(relativeDir, name);
    const error = await loadEnvironmentFile(file, { env }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error, `${name} loaded without errors`).toBeInstanceOf(ConfigError);
    const actual = `${(error as ConfigError).message}\n`;
    const goldenFile = path.join(invalidDir, name.replace(/\.yaml$/, '.txt'));
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenFile, actual);
    expect(actual).toBe(readFileSync(goldenFile, 'utf8'));
  });
});
