import type { SchemaNode } from './schema-nodes.ts';

/**
 * What the Docker runtime reads: the top-level `runtime:`, a service's
 * `build:` or `image:`, and `image:` overrides for redis, postgres and the
 * fault proxy. The process runtime ignores the images.
 */
export const RUNTIMES = ['auto', 'process', 'docker'] as const;

export const runtimeField: SchemaNode = {
  kind: 'enum',
  values: RUNTIMES,
  default: 'auto',
  example: 'docker',
  description: 'auto: Docker when a working engine is found and every service has build: or image:, else process. A --runtime flag or the runtime option wins over this; this wins over $AGENTUP_RUNTIME.',
};

const imageName: SchemaNode = { kind: 'string', minLength: 1, pattern: /^\S+$/, patternMessage: 'must be an image name without spaces, such as redis:7', refs: 'env', example: 'myorg/api:1.4' };

export const serviceDockerFields: Record<string, SchemaNode> = {
  build: {
    kind: 'union',
    description: 'Docker runtime: build the image from this Dockerfile context (once per run, cached by content).',
    hint: 'write build: ./api, or build: { context: ./api, dockerfile: Dockerfile.dev, args: { KEY: value } }',
    options: [
      { kind: 'string', minLength: 1, path: 'dir', refs: 'env', example: '../fixtures/agents/support-triage' },
      {
        kind: 'mapping',
        required: ['context'],
        fields: {
          context: { kind: 'string', minLength: 1, path: 'dir', refs: 'env', example: './api', description: "Build context, relative to the environment file's directory." },
          dockerfile: { kind: 'string', minLength: 1, refs: 'env', example: 'Dockerfile.dev', description: 'Dockerfile path inside the context; default Dockerfile.' },
          args: { kind: 'record', keyNoun: 'build argument', keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/, keyRule: 'names use letters, digits and _', values: { kind: 'scalar', refs: 'env' }, example: { NODE_VERSION: '20' }, description: 'Build arguments (--build-arg).' },
        },
      },
    ],
  },
  image: { ...imageName, description: 'Docker runtime: run this image instead of building one; `command:` then overrides its CMD.' },
};

export const dependencyImage = (dflt: string): SchemaNode => ({ ...imageName, example: dflt, default: dflt, description: `Docker runtime: the image to run (default ${dflt}; $AGENTUP_${dflt.split(':')[0]!.toUpperCase()}_IMAGE overrides the default).` });

export const faultProxyImage: SchemaNode = {
  ...imageName,
  example: 'agentup',
  default: 'ghcr.io/shopify/toxiproxy:2.12.0',
  description: 'Docker runtime: the proxy container image (default ghcr.io/shopify/toxiproxy:2.12.0, or $AGENTUP_TOXIPROXY_IMAGE). `agentup` builds and runs agentup\'s own fault proxy, which adds HTTP-level faults.',
};
