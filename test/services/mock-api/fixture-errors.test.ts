import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/diagnostics.ts';
import { AgentupError } from '../../../src/errors.ts';
import { loadMockApiFile, parseMockApi } from '../../../src/services/mock-api/index.ts';

const INVALID_DIR = 'test/services/mock-api/invalid';

/** Golden files: each invalid/*.yaml has the exact expected message in a .txt beside it. */
describe('broken fixtures get located errors, all at once', () => {
  for (const file of readdirSync(INVALID_DIR).filter((f) => f.endsWith('.yaml'))) {
    it(file, async () => {
      const yamlPath = path.join(INVALID_DIR, file);
      const err = await loadMockApiFile(yamlPath).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      const goldenPath = yamlPath.replace(/\.yaml$/, '.txt');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, `${(err as Error).message}\n`);
      expect(`${(err as Error).message}\n`).toBe(readFileSync(goldenPath, 'utf8'));
    });
  }

  it('reports every problem with file:line:col and did-you-mean', () => {
    const text = 'name: x\nroutes:\n  - path: /a\n    stauts: 201\n  - path: /b\n    method: FETCH\n';
    const err = (() => {
      try {
        parseMockApi(text, 'apis/x.yaml');
      } catch (e) {
        return e as ConfigError;
      }
      return null;
    })();
    expect(err?.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}`)).toEqual(['4:5 routes.0.stauts', '6:13 routes.1.method']);
    expect(err?.diagnostics[0]!.hint).toBe('did you mean "status"?');
    expect(err?.message).toContain('apis/x.yaml:4:5: unknown key "stauts" in routes.0');
  });

  it('a missing file is an AgentupError naming the path', async () => {
    const err = await loadMockApiFile('fixtures/apis/no-such.yaml').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as AgentupError).message).toContain('fixtures/apis/no-such.yaml: ENOENT');
  });

  it('every shipped preset loads', async () => {
    for (const f of readdirSync('fixtures/apis').filter((x) => x.endsWith('.yaml'))) {
      const def = await loadMockApiFile(path.join('fixtures/apis', f));
      expect(def.routes.length).toBeGreaterThan(0);
    }
  });
});
