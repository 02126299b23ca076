/** A Toxiproxy latency toxic through toxiproxy-node-client, as the tests of both fault proxies add one. */
import type { Proxy, Toxic } from 'toxiproxy-node-client';

type Latency = { latency: number; jitter: number };

/** Every byte downstream delayed by `latencyMs`, no jitter, toxicity 1. */
export function addLatencyToxic(proxy: Proxy, name: string, latencyMs: number): Promise<Toxic<Latency>> {
  return proxy.addToxic<Latency>({ name, type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: latencyMs, jitter: 0 } });
}
