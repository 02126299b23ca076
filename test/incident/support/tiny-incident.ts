import path from 'node:path';
import { REPO_ROOT } from '../../support/agentup-cli.ts';

/** A short incident for library tests (about 4 s of timeline), as if at test/incident/tiny.yaml. */
export const TINY_FILE = path.join(REPO_ROOT, 'test/incident/tiny.yaml');
export const TINY_INCIDENT = `
name: tiny
description: A short burst with a half-toxic cache and an LLM outage, for tests.
environment: ../../environments/support-agent.yaml
seed: 99
steady_state:
  objectives: ["error_rate < 1%", "p99 < 3s"]
  probes:
    - { name: healthz, path: /healthz, json: { path: status, equals: ok } }
  probe_interval: 1s
timeline:
  - at: 0s
    load: { name: steady, rate: 10, duration: 4s, repeat: 0.9, objectives: ["rate > 90% of target"] }
  - at: 1s
    fault: { name: flaky-cache, target: redis, toxic: latency, attributes: { latency: 300, jitter: 50 }, toxicity: 0.5, duration: 2s }
  - at: 1500ms
    fault: { target: llm, outage: { status: 503 }, duration: 1s }
  - at: 1s
    expect: { name: stays-up, objective: "error_rate < 1%", for: 3s, window: 1s }
rollbacks:
  - remove: all
`;
