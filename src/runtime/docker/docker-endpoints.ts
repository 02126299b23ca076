/** Endpoints of a Docker run: the same host addresses as the process runtime (ports are published at the planned numbers). */
import { postgresUrl } from '../../plan/addresses.ts';
import type { Plan } from '../../plan/types.ts';
import type { DependencyEndpoint, Endpoints } from '../types.ts';

export function dockerEndpoints(plan: Plan, o: { faultProxyUrl: string; engine: string; network: string }): Endpoints {
  const dependencies: DependencyEndpoint[] = [];
  for (const c of plan.components) {
    if (c.kind === 'redis') dependencies.push({ name: 'redis', kind: 'redis', url: `redis://127.0.0.1:${c.address.port}`, proxiedUrl: `redis://127.0.0.1:${c.proxy.listen.port}`, proxy: c.proxy.name });
    else if (c.kind === 'postgres') dependencies.push({ name: 'postgres', kind: 'postgres', url: postgresUrl(c, 'direct'), proxiedUrl: postgresUrl(c), proxy: c.proxy.name });
  }
  const lb = plan.components.find((c) => c.kind === 'load_balancer');
  return {
    name: plan.name,
    runtime: 'docker',
    // No data dir on this machine: state lives in the containers. The network name says where to look.
    workDir: `docker network ${o.network}`,
    loadBalancer: lb ? `http://127.0.0.1:${lb.address.port}` : null,
    faultProxy: { url: o.faultProxyUrl, engine: o.engine },
    apis: plan.components.flatMap((c) => (c.kind === 'api' ? [{ name: c.id, url: `http://127.0.0.1:${c.address.port}`, proxiedUrl: `http://127.0.0.1:${c.proxy.listen.port}`, proxy: c.proxy.name }] : [])),
    upstreams: plan.components.flatMap((c) => (c.kind === 'upstream' ? [{ name: c.id, address: `${c.proxy.upstream.host}:${c.proxy.upstream.port}`, proxiedAddress: `127.0.0.1:${c.proxy.listen.port}`, proxy: c.proxy.name }] : [])),
    dependencies,
    replicas: plan.components.flatMap((c) => (c.kind === 'service' ? c.replicas.map((r) => ({ id: r.id, service: c.id, url: `http://127.0.0.1:${r.address.port}` })) : [])),
  };
}
