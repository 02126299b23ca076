import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentJsonSchemaText, toJsonSchema } from '../../src/config/json-schema.ts';
import { SECTIONS } from '../../src/config/schema.ts';
import type { Problem } from '../../src/config/problems.ts';
import type { SchemaNode } from '../../src/config/schema-nodes.ts';
import { emptyCollected, validateNode } from '../../src/config/validate-schema.ts';
import { SCHEMA_FILE } from '../../src/config/write-schema.ts';
import { toxicKinds } from '../../src/proxy/toxics/index.ts';

describe('environments/schema.json', () => {
  it('is exactly what the schema table generates (run `npx tsx src/config/write-schema.ts`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(environmentJsonSchemaText());
  });

  it('is draft-07, closed to unknown keys, and describes every section', () => {
    const schema = JSON.parse(environmentJsonSchemaText());
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['services']);
    expect(Object.keys(schema.properties)).toEqual(Object.keys(SECTIONS));
    for (const [name, section] of Object.entries<{ description?: string }>(schema.properties)) {
      expect(section.description, name).toBeTruthy();
    }
    const service = schema.properties.services.additionalProperties;
    // command, build or image: a semantic rule (rules-docker.ts), since JSON Schema's anyOf would make editors' messages vague.
    expect(service.required).toBeUndefined();
    expect(Object.keys(service.properties)).toEqual(expect.arrayContaining(['command', 'build', 'image']));
    expect(service.properties.replicas).toMatchObject({ type: 'integer', minimum: 1, default: 1 });
    expect(schema.properties.redis.properties.port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
  });

  it('lists the toxic types of the fault proxy registry and every new key with a description', () => {
    const schema = JSON.parse(environmentJsonSchemaText());
    const toxic = schema.properties.faults.additionalProperties.items;
    expect(toxic.properties.type.enum).toEqual(toxicKinds.map((k) => k.type));
    expect(toxic.required).toEqual(['type']);
    expect(toxic.properties.attributes.additionalProperties).toMatchObject({ type: 'integer', minimum: 0 });
    for (const kind of toxicKinds) for (const a of kind.attributes) expect(toxic.properties.attributes.description).toContain(a.name);
    const described = {
      fault_proxy: schema.properties.fault_proxy.properties,
      upstream: schema.properties.upstreams.additionalProperties.properties,
      api: schema.properties.apis.additionalProperties.properties,
      toxic: toxic.properties,
    };
    for (const [where, fields] of Object.entries<Record<string, { description?: string }>>(described)) {
      for (const [key, field] of Object.entries(fields)) expect(field.description, `${where}.${key}`).toBeTruthy();
    }
  });

  it('turns one new table entry into both a JSON Schema and validation', () => {
    // What a later section (say `runtime:`) costs: one node in the table.
    const runtime: SchemaNode = {
      kind: 'mapping',
      description: 'Where things run.',
      fields: { backend: { kind: 'enum', values: ['process', 'docker'], example: 'docker' } },
    };
    expect(toJsonSchema(runtime)).toMatchObject({ type: 'object', properties: { backend: { enum: ['process', 'docker'] } } });
    const problems: Problem[] = [];
    validateNode(runtime, { backend: 'dokcer' }, ['runtime'], problems, emptyCollected());
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['runtime.backend must be one of process or docker, got "dokcer"; did you mean docker?', 'for example: backend: docker'],
    ]);
  });
});
