import { engine } from './support/local-images.ts';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentFromObject } from '../../../src/config/load.ts';
import { chooseRuntime } from '../../../src/runtime/docker/choose-runtime.ts';
import { detectDockerEngine, requireDockerEngine, type DetectionResult } from '../../../src/runtime/docker/detect.ts';
import { AgentupError } from '../../../src/errors.ts';
import { dockerfileBases, neededImages } from '../../../src/runtime/docker/needed-images.ts';

// A build context needs a Dockerfile to load: use the sample service's.
const buildable = { services: { api: { command: 'node server.js', build: 'fixtures/agents/support-triage' } } };
const load = (raw: object) => loadEnvironmentFromObject(raw, { dir: process.cwd(), env: {} });
const found: DetectionResult = { engine: { uri: 'unix:///test.sock', strategy: 'system socket', dockerOptions: {}, serverVersion: '1' }, reasons: [] };
const none: DetectionResult = { engine: null, reasons: ['unix:///var/run/docker.sock (system socket): no such socket'] };

describe('runtime choice: option > runtime: in the file > AGENTUP_RUNTIME > auto', () => {
  it('takes the option over the file and the variable', async () => {
    const env = load({ ...buildable, runtime: 'docker' });
    const choice = await chooseRuntime(env, 'process', { AGENTUP_RUNTIME: 'docker' }, async () => found);
    expect(choice).toEqual({ name: 'process', reason: 'asked for' });
  });

  it('takes the file over the variable, and the variable over auto', async () => {
    expect(await chooseRuntime(load({ ...buildable, runtime: 'process' }), undefined, { AGENTUP_RUNTIME: 'docker' }, async () => found)).toMatchObject({ name: 'process', reason: expect.stringMatching(/^runtime: process in /) });
    expect(await chooseRuntime(load(buildable), undefined, { AGENTUP_RUNTIME: 'process' }, async () => found)).toEqual({ name: 'process', reason: 'AGENTUP_RUNTIME=process' });
  });

  it('auto picks Docker when an engine works and every service has build: or image:, and says why otherwise', async () => {
    const allPresent = async () => [];
    expect(await chooseRuntime(load(buildable), undefined, {}, async () => found, allPresent)).toMatchObject({ name: 'docker', reason: 'auto: Docker engine at unix:///test.sock, images present' });
    expect(await chooseRuntime(load(buildable), undefined, {}, async () => none)).toEqual({ name: 'process', reason: `auto: no Docker engine — ${none.reasons[0]}` });
    expect(await chooseRuntime(load({ services: { api: { command: 'node server.js' } } }), undefined, {}, async () => found)).toEqual({ name: 'process', reason: 'auto: service api has no build: or image:' });
  });

  it('rejects docker for a service with only a command, naming its place in the file', async () => {
    const err = await chooseRuntime(load({ services: { api: { command: 'node server.js' } } }), 'docker', {}, async () => found).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentupError);
    expect((err as Error).message).toMatch(/^<inline>:\d+:\d+: services\.api has no build: or image:/);
  });

  it('rejects a bad AGENTUP_RUNTIME', async () => {
    await expect(chooseRuntime(load(buildable), undefined, { AGENTUP_RUNTIME: 'kubernetes' })).rejects.toThrow('AGENTUP_RUNTIME=kubernetes is not a runtime');
  });
});

describe('auto never pulls: it picks Docker only when every image the run needs is on this machine', { timeout: 30_000 }, () => {
  it('reads base images from FROM lines, with ARG defaults, build args and stages', () => {
    const dockerfile = 'ARG NODE_IMAGE=node:20-bookworm-slim\nFROM ${NODE_IMAGE} AS build\nRUN make\nFROM build\nFROM --platform=linux/amd64 debian:12 AS final\nFROM scratch\n';
    expect(dockerfileBases(dockerfile, {})).toEqual(['node:20-bookworm-slim', 'debian:12']);
    expect(dockerfileBases(dockerfile, { NODE_IMAGE: 'agentup-ci/node:20' })).toEqual(['agentup-ci/node:20', 'debian:12']);
  });

  it('lists what the default environment needs: redis, postgres, the proxy and the Dockerfile base', () => {
    const env = loadEnvironmentFromObject({ ...buildable, redis: {}, postgres: {} }, { dir: process.cwd(), env: {} });
    expect(neededImages(env, {})).toEqual(['redis:7', 'postgres:16', 'ghcr.io/shopify/toxiproxy:2.12.0', 'node:20-bookworm-slim']);
    expect(neededImages(env, { AGENTUP_TOXIPROXY_IMAGE: 'agentup', AGENTUP_NODE_IMAGE: 'agentup-ci/node:20' })).toEqual(['redis:7', 'postgres:16', 'agentup-ci/node:20']);
  });

  it.skipIf(!engine)('with the real engine: docker when the images are local, process naming the missing ones otherwise', async () => {
    const env = loadEnvironmentFromObject({ ...buildable, redis: {}, postgres: {} }, { dir: process.cwd(), env: {} });
    const local = await chooseRuntime(env, undefined, { ...process.env, AGENTUP_RUNTIME: '' });
    expect(local).toMatchObject({ name: 'docker', reason: expect.stringMatching(/^auto: Docker engine at unix:\/\/\/var\/run\/docker\.sock, images present$/) });
    const missing = await chooseRuntime(env, undefined, { ...process.env, AGENTUP_RUNTIME: '', AGENTUP_REDIS_IMAGE: 'agentup-test/no-such-redis:0' });
    expect(missing.name).toBe('process');
    expect(missing.reason).toMatch(/but agentup-test\/no-such-redis:0 is not on this machine \(auto never pulls; docker pull it, or use --runtime docker\)$/);
  });
});

describe('Docker engine detection', { timeout: 30_000 }, () => {
  it('lists every strategy and why it failed, fast, when none works', async () => {
    const t0 = performance.now();
    const err = await requireDockerEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' }, home: '/nonexistent-home', systemSocket: '/nonexistent/docker.sock' }).catch((e: unknown) => e);
    // Refused connections and missing sockets answer at once; 5 s is a generous bound on a busy machine.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(AgentupError);
    const message = (err as Error).message;
    expect(message).toContain('DOCKER_HOST=tcp://127.0.0.1:1: ECONNREFUSED');
    expect(message).toContain('unix:///nonexistent/docker.sock (system socket): no such socket');
    expect(message).toContain('unix:///nonexistent-home/.docker/run/docker.sock (rootless socket): no such socket');
  });

  it.skipIf(!engine)('does not silently swap a broken DOCKER_HOST for the working system socket', async () => {
    const { engine: found, reasons } = await detectDockerEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(found).toBeNull();
    expect(reasons).toContainEqual(expect.stringMatching(/docker\.sock \(system socket\): works, but DOCKER_HOST names another engine/));
    expect((await detectDockerEngine({ env: {} })).engine?.uri).toBe('unix:///var/run/docker.sock');
  });
});
