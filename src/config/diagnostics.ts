import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { AgentupError } from '../errors.ts';

/**
 * One problem in a YAML file (environment, mock API fixture, incident), located
 * at `file:line:col` (1-based) with the dotted key path it concerns.
 */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Dotted path, e.g. `services.triage.replicas`; empty for the whole document. */
  path: string;
  message: string;
  /** What to try next. */
  hint?: string;
}

export type KeyPath = ReadonlyArray<string | number>;

export function pathToString(path: KeyPath): string {
  return path.map(String).join('.');
}

/** A parsed YAML file that can answer "where is this key path?". */
export class YamlSource {
  readonly lines: string[];
  private readonly lineCounter: LineCounter;
  readonly doc: Document.Parsed;

  constructor(readonly file: string, readonly text: string) {
    this.lineCounter = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    this.lines = text.split(/\r?\n/);
  }

  /** Syntax errors and warnings from the YAML parser itself. */
  syntaxDiagnostics(): Diagnostic[] {
    return this.doc.errors.map((e) => {
      const { line, col } = this.lineCounter.linePos(e.pos[0]);
      return { file: this.file, line, col, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` };
    });
  }

  /** Position of the value at `path`; falls back to its key, then to the nearest parent that exists. */
  locate(path: KeyPath, which: 'key' | 'value' = 'value'): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best = this.posOf(node as Node | null) ?? { line: 1, col: 1 };
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyPos = this.posOf(pair.key as Node);
        const valuePos = this.posOf(pair.value as Node | null);
        best = (which === 'key' ? keyPos ?? valuePos : valuePos ?? keyPos) ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        best = this.posOf(item as Node) ?? best;
        node = item;
      } else {
        break;
      }
    }
    return best;
  }

  diagnostic(path: KeyPath, message: string, hint?: string, which: 'key' | 'value' = 'value'): Diagnostic {
    const { line, col } = this.locate(path, which);
    return { file: this.file, line, col, path: pathToString(path), message, ...(hint ? { hint } : {}) };
  }

  private posOf(node: Node | null | undefined): { line: number; col: number } | null {
    if (!node || !node.range) return null;
    return this.lineCounter.linePos(node.range[0]);
  }
}

/**
 * actionlint-style rendering:
 *
 *   environments/shop.yaml:14:7: services.api.replicas must be a number
 *      14 |     replicas: three
 *         |               ^~~~~
 *     try: replicas: 3
 */
export function formatDiagnostic(d: Diagnostic, sourceLines?: readonly string[]): string {
  const out = [`${d.file}:${d.line}:${d.col}: ${d.message}`];
  const src = sourceLines?.[d.line - 1];
  if (src !== undefined) {
    const gutter = String(d.line).length;
    const rest = src.slice(d.col - 1);
    const tokenLength = Math.max(1, (rest.match(/^[^\s#]+(?:[ \t]+[^\s#]+)*/)?.[0] ?? '').length);
    out.push(`  ${String(d.line)} | ${src}`);
    out.push(`  ${' '.repeat(gutter)} | ${' '.repeat(d.col - 1)}^${'~'.repeat(Math.max(0, Math.min(tokenLength, 60) - 1))}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

/** Every problem found in one file, all at once. */
export class ConfigError extends AgentupError {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly sourceLines: readonly string[] = [],
  ) {
    super(
      `${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} in ${diagnostics[0]?.file ?? 'configuration'}\n` +
        diagnostics.map((d) => formatDiagnostic(d, sourceLines)).join('\n'),
    );
  }
}
