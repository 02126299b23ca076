import { toxicKinds } from '../proxy/toxics/index.ts';
import type { SchemaNode } from '../config/schema-nodes.ts';
import { ROLLOUT_SCHEMA } from './rollout-step.ts';
import { MAX_RATE } from '../sim/load/options.ts';

/**
 * The incident file format in the environment loader's schema language, so
 * the same validator gives the same plain-word, file:line:col errors. Checks
 * that need more than one value (exactly one action per step, objective
 * syntax, names that must exist in the environment) are in incident-rules.ts.
 */

const duration = (description: string, example = '10s'): SchemaNode => ({ kind: 'duration', description, example });
const positive = (description: string, example = '10s'): SchemaNode => ({ kind: 'duration', positive: true, description, example });
const objectiveList: SchemaNode = {
  kind: 'list',
  label: 'a list of objectives',
  description: 'Objectives like k6 thresholds: "p99 < 800ms", "error_rate < 1%", "rate > 95% of target".',
  example: ['p99 < 800ms', 'error_rate < 1%'],
  items: { kind: 'string', minLength: 1, example: 'p99 < 800ms' },
};
const envMap: SchemaNode = {
  kind: 'record',
  keyNoun: 'environment variable',
  keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  keyRule: 'environment variable names use letters, digits and _',
  example: { TRIAGE_RESILIENCE: 'naive' },
  values: { kind: 'scalar', example: 'naive' },
};

export const PROBE_SCHEMA: SchemaNode = {
  kind: 'mapping',
  required: ['name', 'path'],
  example: { name: 'healthz', path: '/healthz', status: 200 },
  fields: {
    name: { kind: 'string', minLength: 1, example: 'healthz', description: 'Shown in the report and the junit test case.' },
    path: { kind: 'string', pattern: /^\//, patternMessage: 'must be a URL path starting with /', example: '/healthz', description: 'Requested from the load balancer.' },
    method: { kind: 'enum', values: ['GET', 'POST', 'HEAD'], example: 'GET' },
    status: { kind: 'number', integer: true, min: 100, max: 599, example: 200, description: 'Expected status; default 200.' },
    json: {
      kind: 'mapping',
      required: ['path', 'equals'],
      example: { path: 'status', equals: 'ok' },
      description: 'A dotted path into the JSON answer and the value it must equal.',
      fields: { path: { kind: 'string', minLength: 1, example: 'status' }, equals: { kind: 'scalar', example: 'ok' } },
    },
    timeout: positive('How long one check may take; default 2s.', '2s'),
    max_failures_during: { kind: 'number', integer: true, min: 0, example: 1, description: 'Failed checks allowed while the timeline runs; default 0.' },
  },
};

const stage: SchemaNode = {
  kind: 'mapping',
  required: ['for'],
  example: { rate: 20, for: '30s' },
  fields: {
    rate: { kind: 'number', min: 0, max: MAX_RATE, example: 20 },
    ramp_to: { kind: 'number', min: 0, max: MAX_RATE, example: 60 },
    for: positive('How long the stage lasts.', '30s'),
  },
};

/** A fixed JSON body: field names to strings, numbers or booleans (e.g. a poison ticket). */
const jsonBody: SchemaNode = {
  kind: 'record',
  keyNoun: 'body field',
  keyPattern: /^\S+$/,
  keyRule: 'JSON field names here have no spaces',
  example: { customer: 'acme', subject: 'Refund', body: 'Please refund my order.' },
  values: { kind: 'scalar', example: 'acme' },
};

const load: SchemaNode = {
  kind: 'mapping',
  required: ['name'],
  example: { name: 'steady', rate: 20, duration: '60s' },
  description: 'Open-model load at the load balancer, running in the background while later steps happen.',
  fields: {
    name: { kind: 'string', minLength: 1, example: 'steady', description: 'The phase name in the report.' },
    path: { kind: 'string', pattern: /^\//, patternMessage: 'must be a URL path starting with /', example: '/triage' },
    method: { kind: 'enum', values: ['GET', 'POST', 'PUT'], example: 'POST' },
    body: { kind: 'union', options: [{ kind: 'enum', values: ['tickets', 'none'] }, jsonBody], example: 'tickets', hint: 'write body: tickets (a fresh support ticket per request), body: none, or a JSON mapping' },
    rate: { kind: 'number', min: 0, max: MAX_RATE, example: 20, description: 'Requests per second, with duration.' },
    duration: positive('How long, with rate.', '60s'),
    stages: { kind: 'list', items: stage, minItems: 1, label: 'a list of stages', example: [{ rate: 10, for: '10s' }, { ramp_to: 40, for: '20s' }] },
    repeat: { kind: 'number', min: 0, max: 1, example: 0.9, description: 'With body: tickets, the fraction of requests that resend one of 20 popular tickets (a cache can answer those); default 0.' },
    timeout: positive('Per request; default 10s.', '5s'),
    max_in_flight: { kind: 'number', integer: true, min: 1, max: 10_000, example: 200 },
    objectives: objectiveList,
  },
};

const fault: SchemaNode = {
  kind: 'mapping',
  required: ['target'],
  example: { target: 'redis', toxic: 'latency', attributes: { latency: 2000 }, duration: '30s' },
  description: 'One fault: a toxic on a dependency link, a dependency outage, or an HTTP-level fault of a mock API.',
  fields: {
    name: { kind: 'string', minLength: 1, example: 'slow-cache', description: 'For `remove:`; default <target>-<kind>.' },
    target: { kind: 'string', minLength: 1, example: 'redis', description: 'redis, postgres, an upstream or an api name.' },
    duration: positive('Removed by itself after this long; without it the fault stays until `remove:` or the end.', '30s'),
    toxic: { kind: 'enum', values: toxicKinds.map((k) => k.type), example: 'latency' },
    attributes: {
      kind: 'record',
      keyNoun: 'attribute',
      keyPattern: /^[a-z][a-z0-9_]*$/,
      keyRule: 'attribute names are lowercase words joined by _',
      example: { latency: 2000 },
      values: { kind: 'number', integer: true, min: 0, example: 100, hint: 'attributes are whole numbers >= 0, as Toxiproxy reads them (latency in ms, bandwidth rate in KB/s)' },
    },
    toxicity: { kind: 'number', min: 0, max: 1, example: 0.5 },
    stream: { kind: 'enum', values: ['downstream', 'upstream'], example: 'downstream' },
    down: { kind: 'const', value: true, example: true, description: 'Take the dependency down (the proxy stops listening).' },
    outage: { kind: 'mapping', nullable: true, example: { status: 503 }, fields: { status: { kind: 'number', integer: true, min: 100, max: 599, example: 503 } } },
    error_rate: {
      kind: 'mapping',
      required: ['fraction'],
      example: { fraction: 0.3, status: 500 },
      fields: { fraction: { kind: 'number', min: 0, max: 1, example: 0.3 }, status: { kind: 'number', integer: true, min: 100, max: 599, example: 500 } },
    },
    rate_limit: {
      kind: 'mapping',
      required: ['name'],
      example: { name: 'undocumented_burst', limit: 5, refill_per_second: 1 },
      description: "Changes (or adds) one of the mock API's rate limits; removing the fault puts the fixture's back.",
      fields: {
        name: { kind: 'string', minLength: 1, example: 'undocumented_burst' },
        limit: { kind: 'number', integer: true, min: 1, example: 5 },
        refill_per_second: { kind: 'number', min: 0, example: 1 },
        window: positive('Window of a fixed or sliding window limit.', '1s'),
      },
    },
  },
};

const replica: SchemaNode = {
  kind: 'mapping',
  required: ['id', 'action'],
  example: { id: 'triage-2', action: 'kill' },
  fields: {
    id: { kind: 'string', minLength: 1, example: 'triage-2', description: 'Replica id: <service>-<n>.' },
    action: { kind: 'enum', values: ['kill', 'pause', 'resume', 'restart'], example: 'kill' },
    signal: { kind: 'enum', values: ['SIGKILL', 'SIGTERM', 'SIGINT'], example: 'SIGKILL' },
    duration: positive('For pause: resumed after this long.', '5s'),
  },
};

const expectStep: SchemaNode = {
  kind: 'mapping',
  required: ['name', 'objective'],
  example: { name: 'recovers', objective: 'error_rate < 1%', within: '10s' },
  description: 'A checkpoint on the live figures: holds at some point `within` a time, or all the time `for` a time.',
  fields: {
    name: { kind: 'string', minLength: 1, example: 'recovers' },
    objective: { kind: 'string', minLength: 1, example: 'error_rate < 1%' },
    within: positive('Passes once a window inside this time meets the objective.', '10s'),
    for: positive('Passes if every window in this time meets the objective.', '10s'),
    window: positive('Seconds of traffic each check looks at; default 3s.', '3s'),
  },
};

const action = {
  load,
  fault,
  remove: { kind: 'string', minLength: 1, example: 'slow-cache', description: 'Removes the fault of that name, or `all` faults.' },
  replica,
  expect: expectStep,
  probe: PROBE_SCHEMA,
  wait: positive('Moves the cursor for the next `after:` step on.', '10s'),
  rollout: ROLLOUT_SCHEMA,
} satisfies Record<string, SchemaNode>;

export const ACTION_KEYS = Object.keys(action);

const step: SchemaNode = {
  kind: 'mapping',
  example: { at: '10s', fault: { target: 'redis', toxic: 'latency', attributes: { latency: 2000 } } },
  fields: {
    at: duration('Time from the start of the timeline.', '10s'),
    after: duration('Time after the previous step (or the end of a wait).', '5s'),
    ...action,
  },
};

const rollback: SchemaNode = {
  kind: 'mapping',
  example: { remove: 'all' },
  fields: { remove: action.remove, replica, fault },
};

export const INCIDENT_SCHEMA: SchemaNode = {
  kind: 'mapping',
  required: ['name', 'timeline'],
  fields: {
    version: { kind: 'const', value: 1, example: 1 },
    name: { kind: 'string', minLength: 1, pattern: /^[a-z0-9][a-z0-9_-]*$/, patternMessage: 'must be lowercase letters, digits, - and _', example: 'redis-latency-spike' },
    description: { kind: 'string', example: 'Cache latency jumps to 2 s for 30 s.' },
    environment: { kind: 'string', minLength: 1, example: '../support-agent.yaml', description: "The environment file, relative to this file; default ../support-agent.yaml." },
    seed: { kind: 'number', integer: true, min: 0, max: 2 ** 31 - 1, example: 42 },
    env: { ...envMap, description: "Process environment for the environment file's ${env:...} references." },
    overrides: {
      kind: 'record',
      keyNoun: 'service',
      keyPattern: /^[a-z][a-z0-9_-]*$/,
      keyRule: 'service names are lowercase',
      example: { triage: { env: { PG_POOL_SIZE: 10 } } },
      description: "Per service: env vars and a replica count that replace the environment file's.",
      values: { kind: 'mapping', fields: { env: envMap, replicas: { kind: 'number', integer: true, min: 1, max: 20, example: 4 } } },
    },
    steady_state: {
      kind: 'mapping',
      nullable: true,
      fields: {
        objectives: objectiveList,
        probes: { kind: 'list', items: PROBE_SCHEMA, label: 'a list of probes', example: [{ name: 'healthz', path: '/healthz' }] },
        probe_interval: positive('Time between probe checks while the timeline runs; default 2s.', '2s'),
      },
    },
    timeline: { kind: 'list', items: step, minItems: 1, label: 'a list of steps', example: [{ at: '0s', load: { name: 'steady', rate: 20, duration: '60s' } }] },
    rollbacks: { kind: 'list', items: rollback, label: 'a list of rollback actions', example: [{ remove: 'all' }] },
  },
};
