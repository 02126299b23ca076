import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/env-file.ts';

describe('parseEnvFile', () => {
  it('reads KEY=VALUE lines with comments, export, quotes and escapes', () => {
    const text = [
      '# leading comment',
      '',
      'export API_KEY=sk-123',
      'PLAIN = spaced value  # trailing comment',
      'HASH=abc#def',
      `SINGLE='no $escapes \\n here # kept'`,
      'DOUBLE="line1\\nline2 \\"q\\" \\\\"',
      'EMPTY=',
      'URL=postgres://u:p@h:5432/db?x=1',
    ].join('\n');
    const { entries, errors } = parseEnvFile(text);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(entries.map((e) => [e.key, e.value]))).toEqual({
      API_KEY: 'sk-123',
      PLAIN: 'spaced value',
      HASH: 'abc#def',
      SINGLE: 'no $escapes \\n here # kept',
      DOUBLE: 'line1\nline2 "q" \\',
      EMPTY: '',
      URL: 'postgres://u:p@h:5432/db?x=1',
    });
    expect(entries.find((e) => e.key === 'API_KEY')!.line).toBe(3);
  });

  it('reports the line of each malformed entry', () => {
    const { entries, errors } = parseEnvFile('OK=1\nnot an entry\nQ="open\n1BAD=x\r\nLAST=2');
    expect(entries.map((e) => e.key)).toEqual(['OK', 'LAST']);
    expect(errors).toEqual([
      { line: 2, message: 'is not KEY=VALUE: "not an entry"' },
      { line: 3, message: 'has an unterminated quote: "Q=\\"open"' },
      { line: 4, message: 'is not KEY=VALUE: "1BAD=x"' },
    ]);
  });
});
