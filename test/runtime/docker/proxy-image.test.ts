import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { dockerProblemOrWarn } from './support/docker-problem.ts';
import { createClient } from 'redis';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ensureAgentupProxyImage, PROXY_API_PORT } from '../../../src/runtime/docker/proxy-image.ts';
import { readTranscript } from '../../proxy/support/transcript.ts';
import { addLatencyToxic } from '../../support/latency-toxic.ts';

const NODE_IMAGE = process.env.AGENTUP_NODE_IMAGE ?? 'agentup-ci/node:20';
const REDIS_IMAGE = process.env.AGENTUP_REDIS_IMAGE ?? 'agentup-ci/redis:7';

const noDocker = await dockerProblemOrWarn('test/runtime/docker/proxy-image.test.ts');

/** Proxy ports inside the container, each published on 127.0.0.1: one per listen form a client may send. */
const LISTENS = { ipv4: '0.0.0.0:16379', ipv6: '[::]:16380', empty: ':16381' } as const;
const containerPort = (listen: string): number => Number(listen.split(':').pop());

async function pingMs(port: number, count: number): Promise<number[]> {
  const client = createClient({ socket: { host: '127.0.0.1', port, connectTimeout: 10_000, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      expect(await client.ping()).toBe('PONG');
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    client.destroy();
  }
}

async function waitForApi(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Docker's port forwarder accepts before the server listens and then holds the connection: bound each try.
    const status = (await fetch(`${url}/version`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status;
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`fault proxy API at ${url}/version not ready after ${timeoutMs}ms (last status ${status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(noDocker !== undefined)("agentup's own fault proxy as an image", { timeout: 180_000 }, () => {
  const docker = new Docker();
  const runLabel = { 'agentup.test': `proxy-image-${process.pid}-${Date.now()}` };
  const containers: Docker.Container[] = [];
  let network: Docker.Network | undefined;
  let tag = '';
  // A private name for the base image: its own tag, so this test always builds
  // (and may remove) an image no concurrent run shares.
  const alias = { repo: 'agentup-proxy-test-node', tag: `${process.pid}-${Date.now()}` };
  const baseAlias = `${alias.repo}:${alias.tag}`;
  const progress: string[] = [];
  let apiUrl = '';
  const published = new Map<number, number>();

  beforeAll(async () => {
    await docker.getImage(NODE_IMAGE).tag(alias);
    tag = await ensureAgentupProxyImage({ nodeImage: baseAlias, onProgress: (line) => progress.push(line) });
    network = await docker.createNetwork({ Name: runLabel['agentup.test'], Labels: runLabel });
    const redis = await docker.createContainer({
      Image: REDIS_IMAGE,
      Labels: runLabel,
      HostConfig: { NetworkMode: network.id },
      NetworkingConfig: { EndpointsConfig: { [network.id]: { Aliases: ['redis'] } } },
    });
    containers.push(redis);
    await redis.start();
    const ports = [PROXY_API_PORT, ...Object.values(LISTENS).map(containerPort)];
    const proxy = await docker.createContainer({
      Image: tag,
      Labels: runLabel,
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p}/tcp`, {}])),
      // Published on 127.0.0.1 only, with a free host port each.
      HostConfig: { NetworkMode: network.id, PortBindings: Object.fromEntries(ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]])) },
    });
    containers.push(proxy);
    await proxy.start();
    const info = await proxy.inspect();
    for (const p of ports) published.set(p, Number(info.NetworkSettings.Ports[`${p}/tcp`]![0]!.HostPort));
    apiUrl = `http://127.0.0.1:${published.get(PROXY_API_PORT)}`;
    await waitForApi(apiUrl, 20_000);
  }, 150_000);

  afterAll(async () => {
    for (const c of containers) await c.remove({ force: true }).catch(() => {});
    await network?.remove().catch(() => {});
    // Untagging the alias leaves NODE_IMAGE itself alone.
    for (const name of [tag, baseAlias]) if (name) await docker.getImage(name).remove().catch(() => {});
  });

  it('is a labelled image with only the bundled server in it, and a second call returns the cached tag', async () => {
    expect(tag).toMatch(/^agentup-proxy:[0-9a-f]{16}$/);
    expect(progress.join('\n')).toContain(`Successfully tagged ${tag}`);
    const image = await docker.getImage(tag).inspect();
    expect(image.Config.Labels).toMatchObject({ 'agentup.component': 'fault-proxy' });
    const files = execFileSync('docker', ['exec', containers[1]!.id, 'ls', '-A', '/agentup'], { encoding: 'utf8' });
    expect(files.trim()).toBe('fault-proxy.mjs');
    const started = performance.now();
    const again: string[] = [];
    expect(await ensureAgentupProxyImage({ nodeImage: baseAlias, onProgress: (line) => again.push(line) })).toBe(tag);
    // A cached call is a few Docker API round trips, no build: sanity bound only, with a lot of room for a busy machine.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(again).toEqual([]);
  });

  it('answers the reference calls of toxiproxy-server 2.12.0 with the same status and body', async () => {
    const mismatches: string[] = [];
    const calls = readTranscript();
    expect(calls.length).toBeGreaterThan(40);
    // The whole transcript: its 127.0.0.1:21xxx listen ports are free inside a fresh container.
    for (const call of calls) {
      const headers = call.status === 403 ? { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' } : undefined;
      const response = await fetch(apiUrl + call.path, { method: call.method, body: call.body, headers });
      const body = (await response.text()).trim();
      if (response.status !== call.status || body !== call.response) {
        mismatches.push(`${call.method} ${call.path} ${call.body ?? ''}\n  got ${response.status} ${body}\n  want ${call.status} ${call.response}`);
      }
    }
    expect(mismatches).toEqual([]);
    const toxiproxy = new Toxiproxy(apiUrl);
    for (const proxy of Object.values(await toxiproxy.getAll())) await proxy.remove();
  });

  it('proxies redis on the Docker network and adds latency that a host redis client measures', async () => {
    const toxiproxy = new Toxiproxy(apiUrl);
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: LISTENS.ipv4, upstream: 'redis:6379' });
    const port = published.get(containerPort(LISTENS.ipv4))!;
    const before = await pingMs(port, 5);
    const toxic = await addLatencyToxic(proxy, 'slow-redis', 300);
    const slow = await pingMs(port, 3);
    // Latency is a lower bound on every reply; 0.5ms margin for timer rounding.
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(299.5);
    await toxic.remove();
    const after = await pingMs(port, 5);
    // Without the toxic a ping through Docker's port forwarding takes a few ms; 200ms is room for a busy machine.
    expect(Math.min(...before)).toBeLessThan(200);
    expect(Math.min(...after)).toBeLessThan(200);
    await proxy.remove();
  });

  it('binds [::] and an empty host on every interface of the container, as toxiproxy-server does', async () => {
    const toxiproxy = new Toxiproxy(apiUrl);
    for (const listen of [LISTENS.ipv6, LISTENS.empty]) {
      const proxy = await toxiproxy.createProxy({ name: `redis-${containerPort(listen)}`, listen, upstream: 'redis:6379' });
      expect(await pingMs(published.get(containerPort(listen))!, 1)).toHaveLength(1);
      await proxy.remove();
    }
  });
});
