import { label, type SchemaNode } from './schema-nodes.ts';
import { ENVIRONMENT_SCHEMA } from './schema.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)\\s*$';
const BYTES_PATTERN = '^\\s*\\d+\\s*([kKmMgG][bB]?|[bB])?\\s*$';

/** JSON Schema draft-07 for one node, for the YAML language server. */
export function toJsonSchema(node: SchemaNode): { [key: string]: Json } {
  const meta: { [key: string]: Json } = {};
  if (node.description) meta.description = node.description;
  if (node.default !== undefined) meta.default = node.default as Json;
  if (node.example !== undefined) meta.examples = [node.example as Json];
  switch (node.kind) {
    case 'string':
      return {
        type: 'string',
        ...(node.minLength ? { minLength: node.minLength } : {}),
        ...(node.pattern ? { pattern: node.pattern.source } : {}),
        ...meta,
      };
    case 'number':
      return {
        type: node.integer ? 'integer' : 'number',
        ...(node.min !== undefined ? { minimum: node.min } : {}),
        ...(node.max !== undefined ? { maximum: node.max } : {}),
        ...(node.exclusiveMin !== undefined ? { exclusiveMinimum: node.exclusiveMin } : {}),
        ...meta,
      };
    case 'boolean':
      return { type: 'boolean', ...meta };
    case 'scalar':
      return { type: ['string', 'number', 'boolean'], ...meta };
    case 'const':
      return { const: node.value, ...meta };
    case 'enum':
      return { type: 'string', enum: [...node.values], ...meta };
    case 'duration':
      return { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }], ...meta, description: node.description ? `${node.description} ${cap(label(node))}.` : cap(label(node)) };
    case 'bytes':
      return { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: BYTES_PATTERN }], ...meta };
    case 'mapping': {
      const object: { [key: string]: Json } = {
        type: node.nullable ? ['object', 'null'] : 'object',
        properties: Object.fromEntries(Object.entries(node.fields).map(([k, v]) => [k, toJsonSchema(v)])),
        additionalProperties: false,
        ...meta,
      };
      if (node.required?.length) object.required = [...node.required];
      return object;
    }
    case 'record':
      return {
        type: 'object',
        propertyNames: { pattern: node.keyPattern.source },
        additionalProperties: toJsonSchema(node.values),
        ...(node.minEntries ? { minProperties: node.minEntries } : {}),
        ...meta,
      };
    case 'list':
      return {
        type: 'array',
        items: toJsonSchema(node.items),
        ...(node.minItems ? { minItems: node.minItems } : {}),
        ...(node.unique ? { uniqueItems: true } : {}),
        ...meta,
      };
    case 'union':
      return { anyOf: node.options.map(toJsonSchema), ...meta };
  }
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The text of environments/schema.json, exactly as committed. */
export function environmentJsonSchemaText(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'agentup environment',
    ...toJsonSchema(ENVIRONMENT_SCHEMA),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
