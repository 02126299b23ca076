import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentFile, loadEnvironmentFromObject } from '../../src/config/load.ts';
import { summariseEnvironment, summaryFacts } from '../../src/config/summary.ts';

const validDir = fileURLToPath(new URL('./valid/', import.meta.url));
const base = { services: { api: { command: 'node s.js' } } };

describe('summariseEnvironment', () => {
  it('keeps the line as it was for files without the fault-proxy sections', async () => {
    const e = await loadEnvironmentFile(path.join(validDir, 'two-services.yaml'), { env: {} });
    expect(summariseEnvironment(e)).toBe('2 services (3 replicas), redis, load balancer on least_connections');
  });

  it('names apis, upstreams, the proxies with toxics and a non-default fault proxy', async () => {
    const e = await loadEnvironmentFile(path.join(validDir, 'faults.yaml'), { env: {} });
    expect(summariseEnvironment(e)).toBe(
      '1 service (1 replica), redis, postgres, load balancer on round_robin, 2 apis (llm, sentiment), ' +
        '3 upstreams (payments, ledger, audit), 6 toxics on redis, postgres, llm, payments, agentup fault proxy on port 18474',
    );
    expect(summaryFacts(e)).toEqual({
      apis: ['llm', 'sentiment'],
      upstreams: ['payments', 'ledger', 'audit'],
      faults: {
        redis: ['latency_downstream', 'latency_upstream'],
        postgres: ['bandwidth_upstream'],
        llm: ['llm_cut', 'reset_peer_downstream'],
        payments: ['slicer_downstream'],
      },
      faultProxy: { engine: 'agentup', url: null, port: 18474 },
    });
  });

  it('says where a running Toxiproxy is, and counts in the singular', () => {
    const e = loadEnvironmentFromObject(
      { ...base, upstreams: { pay: { address: '127.0.0.1:9100' } }, fault_proxy: { url: 'http://127.0.0.1:8474' }, faults: { pay: [{ type: 'timeout' }] } },
      { env: {} },
    );
    expect(summariseEnvironment(e)).toBe('1 service (1 replica), load balancer on round_robin, 1 upstream (pay), 1 toxic on pay, fault proxy at http://127.0.0.1:8474');
  });
});
