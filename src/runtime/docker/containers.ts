/**
 * Creating containers the one way this runtime does: on the run's network
 * under an alias, labelled with the run, every published port bound to
 * 127.0.0.1 at the same number on the host.
 */
import net from 'node:net';
import type Docker from 'dockerode';
import { AgentupError, BugError } from '../../errors.ts';
import { labels } from './docker-names.ts';

export interface ContainerSpec {
  runId: string;
  component: string;
  name: string;
  image: string;
  network: string;
  aliases: string[];
  /**
   * Join this (started) container's network namespace instead of having one
   * of its own: no aliases or published ports of its own (the owner carries
   * them). Docker 20.10 spends ~200 ms of CPU per new namespace (three
   * re-executions of dockerd); a joiner costs about a third of a container.
   */
  podOf?: string;
  cmd?: string[];
  env?: Record<string, string>;
  /** [container port, host port on 127.0.0.1]. */
  ports?: Array<[number, number]>;
  memoryBytes?: number;
}

export async function createContainer(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  if (spec.podOf && (spec.aliases.length > 0 || (spec.ports?.length ?? 0) > 0)) throw new BugError(`${spec.component} joins another container's network: its aliases and ports belong to that container`);
  for (const [inside, host] of spec.ports ?? []) {
    exposed[`${inside}/tcp`] = {};
    bindings[`${inside}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(host) }];
  }
  try {
    return await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      ...(spec.cmd && spec.cmd.length > 0 ? { Cmd: spec.cmd } : {}),
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: labels(spec.runId, spec.component),
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: spec.podOf ? `container:${spec.podOf}` : spec.network,
        PortBindings: bindings,
        ...(spec.memoryBytes ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes } : {}),
      },
      ...(spec.podOf ? {} : { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } } }),
    });
  } catch (err) {
    const e = err as { statusCode?: number; message: string };
    if (e.statusCode === 404) {
      throw new AgentupError(`image ${spec.image} for ${spec.component} is not on this machine`, {
        hint: `docker pull ${spec.image}, or set the image in the environment file (or the AGENTUP_*_IMAGE variables)`,
        cause: err,
      });
    }
    throw err;
  }
}

export async function startContainer(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const c = await createContainer(docker, spec);
  await c.start();
  return c;
}

/** Polls `check` until it returns true, quickly (readiness is what start-up time is made of). */
export async function pollUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 50, lastWords?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      const tail = lastWords ? await lastWords().catch(() => '') : '';
      throw new AgentupError(`${what} not ready after ${timeoutMs}ms${tail ? `\nlast output:\n${tail}` : ''}`, { hint: 'check the container with docker logs, or that its image is the right one' });
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A raw request/response over TCP on 127.0.0.1 (redis PING). */
export function tcpExchange(port: number, send: string, expect: RegExp, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write(send));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (expect.test(got)) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(expect.test(got)));
  });
}

export async function containerTail(container: Docker.Container, lines = 10): Promise<string> {
  const buf = (await container.logs({ stdout: true, stderr: true, tail: lines })) as unknown as Buffer;
  // Multiplexed frames: 8-byte headers before each chunk.
  const out: string[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + size).toString('utf8'));
    i += 8 + size;
  }
  return out.join('').trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
}
