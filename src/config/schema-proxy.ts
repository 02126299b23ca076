import { toxicKinds } from '../proxy/toxics/index.ts';
import { DEFAULTS, DEPENDENCY_NAME, FAULT_PROXY_ENGINES, TOXIC_STREAMS } from './defaults.ts';
import type { SchemaNode } from './schema-nodes.ts';

/**
 * The sections about faulting dependencies: `fault_proxy`, `upstreams`, `apis`
 * and `faults`. Toxic types come from the fault proxy's registry, so a new
 * toxic there is accepted here (and listed in schema.json) without an edit.
 * Checks that need more than one value (loopback hosts, attribute names per
 * type, unique toxic names) are semantic rules in rules-proxy.ts.
 */

const port = (description: string): SchemaNode => ({ kind: 'number', integer: true, min: 1, max: 65535, port: true, description, example: 8474 });
const names = {
  keyPattern: DEPENDENCY_NAME,
  keyRule: 'names start with a lowercase letter and use only a-z, 0-9, _ and -',
} as const;

export const faultProxySection: SchemaNode = {
  kind: 'mapping',
  nullable: true,
  description: 'How dependencies are faulted. Every dependency (redis, postgres, upstreams, apis) is reached through a Toxiproxy-compatible proxy.',
  fields: {
    engine: {
      kind: 'enum',
      values: FAULT_PROXY_ENGINES,
      default: DEFAULTS.faultProxy.engine,
      example: 'agentup',
      description: 'auto: a real toxiproxy-server when `url` is set or toxiproxy-server is on PATH, else the built-in engine. agentup: the built-in engine. toxiproxy: a real toxiproxy-server.',
    },
    url: {
      kind: 'string',
      pattern: /^http:\/\//,
      patternMessage: 'must be an http:// URL such as http://127.0.0.1:8474',
      example: 'http://127.0.0.1:8474',
      description: 'API URL of an already running Toxiproxy-compatible server on this machine (127.0.0.1, localhost or [::1]); implies engine toxiproxy. Not with `port`.',
    },
    port: port(`Port for the API of the proxy agentup starts; default ${DEFAULTS.faultProxy.apiPort}, or a free port if that is taken. Not with \`url\`.`),
  },
};

export const upstreamsSection: SchemaNode = {
  kind: 'record',
  keyNoun: 'upstream',
  ...names,
  description: 'Extra TCP dependencies of your services (already running on this machine), each put behind its own proxy. Reference them as ${upstreams.<name>.address}.',
  example: { payments: { address: '127.0.0.1:9000' } },
  values: {
    kind: 'mapping',
    required: ['address'],
    example: { address: '127.0.0.1:9000' },
    fields: {
      address: {
        kind: 'string',
        pattern: /^\S+:\d+$/,
        patternMessage: 'must be host:port such as 127.0.0.1:9000',
        example: '127.0.0.1:9000',
        description: 'host:port where the dependency listens; the host must be 127.0.0.1, localhost or [::1].',
      },
    },
  },
};

export const apisSection: SchemaNode = {
  kind: 'record',
  keyNoun: 'api',
  ...names,
  description: 'Mock third-party HTTP APIs, each behind its own proxy (fixture format: fixtures/apis/README.md). Reference them as ${apis.<name>.url}.',
  example: { llm: { fixture: 'fixtures/apis/openai.yaml' } },
  values: {
    kind: 'mapping',
    required: ['fixture'],
    example: { fixture: 'fixtures/apis/openai.yaml' },
    fields: {
      fixture: { kind: 'string', minLength: 1, path: 'file', refs: 'env', example: 'fixtures/apis/openai.yaml', description: "Fixture file, relative to the environment file's directory." },
      port: port('Fixed port for the mock server itself; default: a free port.'),
    },
  },
};

const attributeList = toxicKinds.map((k) => `${k.type}: ${k.attributes.map((a) => a.name).join(', ') || 'none'}`).join('; ');

const toxic: SchemaNode = {
  kind: 'mapping',
  required: ['type'],
  example: { type: 'latency', attributes: { latency: 200 } },
  description: "A toxic in Toxiproxy's JSON shape.",
  fields: {
    name: { kind: 'string', minLength: 1, example: 'slow_redis', description: 'Unique per proxy; default <type>_<stream>, as Toxiproxy names it.' },
    type: { kind: 'enum', values: toxicKinds.map((k) => k.type), example: 'latency', description: 'The toxic type.' },
    stream: { kind: 'enum', values: TOXIC_STREAMS, default: DEFAULTS.toxic.stream, example: 'upstream', description: 'downstream: server to client; upstream: client to server.' },
    toxicity: { kind: 'number', min: 0, max: 1, default: DEFAULTS.toxic.toxicity, example: 0.5, description: 'Chance from 0 to 1 that a connection gets this toxic.' },
    attributes: {
      kind: 'record',
      keyNoun: 'attribute',
      keyPattern: /^[a-z][a-z0-9_]*$/,
      keyRule: 'attribute names are lowercase words joined by _',
      description: `Whole numbers >= 0 (Toxiproxy reads them as int64); ones left out are 0. By type: ${attributeList}.`,
      example: { latency: 200, jitter: 20 },
      values: {
        kind: 'number',
        integer: true,
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        example: 100,
        hint: 'attributes are whole numbers >= 0, as Toxiproxy reads them (latency in ms, bandwidth rate in KB/s)',
      },
    },
  },
};

export const faultsSection: SchemaNode = {
  kind: 'record',
  keyNoun: 'proxy',
  ...names,
  description: 'Toxics present from the start, keyed by proxy: redis, postgres, an upstream or an api name.',
  example: { redis: [{ type: 'latency', attributes: { latency: 200, jitter: 20 } }] },
  values: { kind: 'list', items: toxic, label: 'a list of toxics', example: [{ type: 'latency', attributes: { latency: 200 } }] },
};
