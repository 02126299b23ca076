import type { KeyPath } from './diagnostics.ts';

/**
 * A problem before it has a file position. `at` says where the caret goes:
 * the value (default), the key (unknown keys), or the key of the parent
 * (a required key that is missing).
 */
export interface Problem {
  path: KeyPath;
  message: string;
  hint?: string;
  at?: 'value' | 'key' | 'parent';
  /** An exact place, for problems `locate()` cannot find (a repeated key). */
  pos?: { line: number; col: number };
}

/** Renders a value in flow YAML for hints: `replicas: 3`, `depends_on: [redis]`. */
export function inlineYaml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineYaml).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${inlineYaml(v)}`).join(', ')} }`;
  }
  return String(value);
}

/** How a found value reads in a message: `"three"`, `1.5`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** The dotted path as users read it; the whole document is "the file". */
export function subject(path: KeyPath): string {
  return path.length === 0 ? 'the file' : path.map(String).join('.');
}

/** The last named key in a path, for hints (`services.a.depends_on.0` -> depends_on). */
export function lastKey(path: KeyPath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return undefined;
}
