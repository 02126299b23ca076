import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { KeyPath, YamlSource } from './diagnostics.ts';
import { subject, type Problem } from './problems.ts';

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split(/\r?\n/);
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/**
 * A key written twice in one mapping. The parser flags these too, but without
 * the key path; this names the path and both lines.
 */
export function duplicateKeys(source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const walk = (node: unknown, path: KeyPath): void => {
    if (isMap(node)) {
      const first = new Map<string, { line: number }>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const pos = lineCol(source.text, (pair.key as Node).range?.[0] ?? 0);
        const earlier = first.get(key);
        if (earlier) {
          problems.push({
            path: [...path, key],
            pos,
            message: `${subject([...path, key])} is written twice; the first is on line ${earlier.line}`,
            hint: 'keep one of them (YAML would silently use the last)',
          });
        } else {
          first.set(key, pos);
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
  };
  walk(source.doc.contents, []);
  return problems;
}

/** Parse-stage problems: YAML syntax (minus duplicates, reported above), repeated keys, an empty file. */
export function parseProblems(source: YamlSource): { problems: Problem[]; fatal: boolean } {
  const syntax = source.syntaxDiagnostics().flatMap((d, i): Problem[] =>
    source.doc.errors[i]?.code === 'DUPLICATE_KEY'
      ? []
      : [{ path: [], pos: { line: d.line, col: d.col }, message: d.message, hint: 'check indentation, quotes and brackets near this place' }],
  );
  const problems = [...syntax, ...duplicateKeys(source)];
  if (syntax.length === 0 && source.doc.contents === null) {
    problems.push({
      path: [],
      pos: { line: 1, col: 1 },
      message: 'the file is empty',
      hint: 'an environment needs at least: services: { api: { command: node server.js } }',
    });
  }
  return { problems, fatal: syntax.length > 0 || source.doc.contents === null };
}
