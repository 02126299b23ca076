import type { SchemaNode } from './schema-nodes.ts';

/**
 * `versions:` and `canary:` of a service: a second version of the same
 * service with its own command, env and replicas, for rollouts. Built from
 * the service's own field nodes so the two stay alike.
 */
export const VERSION_NAME = /^[a-z][a-z0-9_-]*$/;

function versionNode(fields: Record<string, SchemaNode>, description: string, replicasDefault: string): SchemaNode {
  return {
    kind: 'mapping',
    nullable: true,
    description,
    example: { env: { FAIL_RATE: 0.1 }, replicas: 1 },
    fields: {
      command: { ...fields.command!, description: "This version's command; default: the service's." },
      env: { ...fields.env!, description: "Added to (and replacing) the service's env for this version." },
      replicas: { kind: 'number', integer: true, min: 1, example: 1, description: `Replicas of this version; default: ${replicasDefault}.` },
    },
  };
}

export function versionFields(fields: Record<string, SchemaNode>): Record<string, SchemaNode> {
  return {
    versions: {
      kind: 'record',
      keyNoun: 'version',
      keyPattern: VERSION_NAME,
      keyRule: 'version names start with a lowercase letter and use only a-z, 0-9, _ and -',
      values: versionNode(fields, 'One version of the service.', "the service's replicas"),
      example: { blue: {}, green: { env: { RELEASE: '2' } } },
      description: 'Exactly two versions for blue/green: the first serves all traffic at start, the second is the release a rollout switches to.',
    },
    canary: versionNode(fields, 'A canary version next to the service (named stable); it takes traffic only during a rollout.', '1'),
  };
}
