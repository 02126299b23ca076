import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/diagnostics.ts';
import { loadIncidentFile } from '../../src/incident/load-incident.ts';

/**
 * Every broken incident in test/incident/invalid/ has its exact expected
 * output beside it (<name>.txt), like test/config/invalid/. Nothing starts:
 * unknown dependencies and replicas are found from the environment file alone.
 * `UPDATE_GOLDEN=1` rewrites them; review the diff.
 */
const invalidDir = fileURLToPath(new URL('./invalid/', import.meta.url));
const relativeDir = path.relative(process.cwd(), invalidDir);
const cases = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml')).sort();
const env = { PATH: process.env.PATH };

describe('golden incident errors', () => {
  it('runs from the repo root and has an expected output for every broken file', () => {
    expect(relativeDir).toBe(path.join('test', 'incident', 'invalid'));
    expect(cases.length).toBeGreaterThanOrEqual(10);
    if (process.env.UPDATE_GOLDEN) return;
    for (const name of cases) expect(existsSync(path.join(invalidDir, name.replace(/\.yaml$/, '.txt'))), name).toBe(true);
  });

  it.each(cases)('%s', async (name) => {
    const error = await loadIncidentFile(path.join(relativeDir, name), { env }).then(() => undefined, (err: unknown) => err);
    expect(error, `${name} loaded without errors`).toBeInstanceOf(ConfigError);
    const actual = `${(error as ConfigError).message}\n`;
    const golden = path.join(invalidDir, name.replace(/\.yaml$/, '.txt'));
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
