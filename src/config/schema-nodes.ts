/**
 * A tiny schema language: enough to describe the environment file once and
 * derive from it both the validator (validate-schema.ts, plain-word errors)
 * and environments/schema.json (json-schema.ts, for editors).
 */

interface NodeBase {
  /** Shown in editors through schema.json. */
  description?: string;
  /** Used in hints (`for example: replicas: 3`) and as a JSON Schema example. */
  example?: unknown;
  /** Documented in schema.json; the loader applies defaults in normalise.ts. */
  default?: unknown;
  /** Replaces the example-based hint when a value does not fit. */
  hint?: string;
}

export type SchemaNode =
  | (NodeBase & {
      kind: 'string';
      minLength?: number;
      pattern?: RegExp;
      /** Completes "<path> ..." when the pattern does not match, e.g. `must start with /`. */
      patternMessage?: string;
      /** Which `${...}` references the value may hold. */
      refs?: 'all' | 'env';
      /** A path that must exist, relative to the environment file's directory. */
      path?: 'file' | 'dir';
    })
  | (NodeBase & {
      kind: 'number';
      integer?: boolean;
      min?: number;
      max?: number;
      exclusiveMin?: number;
      /** A fixed TCP port, checked for clashes with the other fixed ports. */
      port?: boolean;
    })
  | (NodeBase & { kind: 'boolean' })
  /** A string, number or boolean; numbers and booleans become strings. */
  | (NodeBase & { kind: 'scalar'; refs?: 'all' | 'env' })
  | (NodeBase & { kind: 'const'; value: string | number | boolean | null })
  | (NodeBase & { kind: 'enum'; values: readonly string[] })
  | (NodeBase & { kind: 'duration'; positive?: boolean })
  | (NodeBase & { kind: 'bytes' })
  | (NodeBase & {
      kind: 'mapping';
      fields: Record<string, SchemaNode>;
      required?: readonly string[];
      /** `key:` with nothing after it means `key: {}`. */
      nullable?: boolean;
    })
  | (NodeBase & {
      kind: 'record';
      /** What the keys name, e.g. `service`. */
      keyNoun: string;
      keyPattern: RegExp;
      keyRule: string;
      values: SchemaNode;
      minEntries?: number;
    })
  | (NodeBase & { kind: 'list'; items: SchemaNode; minItems?: number; unique?: boolean; label?: string })
  | (NodeBase & { kind: 'union'; options: readonly SchemaNode[] });

export type NodeOf<K extends SchemaNode['kind']> = Extract<SchemaNode, { kind: K }>;

/** Plain words for what a node accepts: "a whole number", "a mapping". */
export function label(node: SchemaNode): string {
  switch (node.kind) {
    case 'string':
      return 'a string';
    case 'number':
      return node.port ? 'a port number from 1 to 65535' : node.integer ? 'a whole number' : 'a number';
    case 'boolean':
      return 'true or false';
    case 'scalar':
      return 'a plain value (string, number or true/false)';
    case 'const':
      return node.value === null ? 'empty' : String(node.value);
    case 'enum':
      return `one of ${joinOr(node.values)}`;
    case 'duration':
      return 'a duration such as 500ms, 2s or 1m (a bare number means milliseconds)';
    case 'bytes':
      return 'a size such as 64mb, 1gb or 1048576';
    case 'mapping':
    case 'record':
      return 'a mapping';
    case 'list':
      return node.label ?? 'a list';
    case 'union':
      return joinOr(node.options.map(label));
  }
}

export function joinOr(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** Which YAML shape a node wants, to pick the matching branch of a union. */
export function shapeOfNode(node: SchemaNode): 'map' | 'seq' | 'scalar' {
  if (node.kind === 'mapping' || node.kind === 'record') return 'map';
  if (node.kind === 'list') return 'seq';
  return 'scalar';
}

export function shapeOfValue(value: unknown): 'map' | 'seq' | 'scalar' {
  if (Array.isArray(value)) return 'seq';
  if (value !== null && typeof value === 'object') return 'map';
  return 'scalar';
}

/** The example a hint can show for a node; a union borrows its first branch's. */
export function exampleOf(node: SchemaNode): unknown {
  if (node.example !== undefined || node.kind !== 'union') return node.example;
  return node.options.map(exampleOf).find((e) => e !== undefined);
}
