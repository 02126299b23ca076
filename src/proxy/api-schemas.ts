import type { GoType } from './go-json-decode.ts';
import type { ToxicKind } from './toxics/types.ts';

/** The Go types Toxiproxy decodes request bodies into, for its exact error wording. */

const proxyFields: Record<string, GoType> = {
  name: { kind: 'string' },
  listen: { kind: 'string' },
  upstream: { kind: 'string' },
  enabled: { kind: 'bool' },
};

export const proxySchema: GoType = {
  kind: 'struct',
  typeName: 'toxiproxy.Proxy',
  structName: 'Proxy',
  fields: proxyFields,
};

export const populateSchema: GoType = {
  kind: 'slice',
  typeName: '[]struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
  elem: {
    kind: 'struct',
    typeName: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
    structName: '',
    fields: proxyFields,
  },
};

function attributesSchema(kind: ToxicKind | undefined): GoType {
  const name = kind?.goStruct ?? 'NoopToxic';
  const fields: Record<string, GoType> = {};
  for (const attribute of kind?.attributes ?? []) fields[attribute.name] = { kind: 'int', name: attribute.goType };
  return { kind: 'struct', typeName: `toxics.${name}`, structName: name, fields };
}

/** First pass of ToxicCreate: the wrapper, attributes decoded into a NoopToxic. */
export const toxicWrapperSchema: GoType = {
  kind: 'struct',
  typeName: 'toxics.ToxicWrapper',
  structName: 'ToxicWrapper',
  fields: {
    attributes: attributesSchema(undefined),
    name: { kind: 'string' },
    type: { kind: 'string' },
    stream: { kind: 'string' },
    toxicity: { kind: 'float32' },
  },
};

/** Second pass of ToxicCreate, once the type is known: struct { Attributes }. */
export function toxicAttributesSchema(kind: ToxicKind): GoType {
  return { kind: 'struct', typeName: '', structName: '', fields: { attributes: attributesSchema(kind) } };
}

/** ToxicUpdate: struct { Attributes; Toxicity float32 }. */
export function toxicUpdateSchema(kind: ToxicKind): GoType {
  return {
    kind: 'struct',
    typeName: '',
    structName: '',
    fields: { attributes: attributesSchema(kind), toxicity: { kind: 'float32' } },
  };
}
