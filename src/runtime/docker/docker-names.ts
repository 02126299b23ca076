/** Names, labels and image defaults shared by everything the Docker runtime creates. */
import type Docker from 'dockerode';
import { RUN_LABEL } from './container-reaper.ts';

export const COMPONENT_LABEL = 'agentup.component';
/** Network alias of the fault proxy container; services reach every dependency through it. */
export const PROXY_ALIAS = 'fault-proxy';
/** Where containers reach ports exposed from this machine (the port forwarder; testcontainers' name for it). */
export const HOST_ALIAS = 'host.testcontainers.internal';

export function labels(runId: string, component: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [COMPONENT_LABEL]: component };
}

export interface DockerImages {
  redis: string;
  postgres: string;
  /** `agentup` means agentup's own proxy image, built on `node`. */
  faultProxy: string;
  /** Base of agentup's proxy image and NODE_IMAGE build argument of every build:. */
  node: string | null;
}

export function defaultImages(env: NodeJS.ProcessEnv): DockerImages {
  return {
    redis: env.AGENTUP_REDIS_IMAGE || 'redis:7',
    postgres: env.AGENTUP_POSTGRES_IMAGE || 'postgres:16',
    faultProxy: env.AGENTUP_TOXIPROXY_IMAGE || 'ghcr.io/shopify/toxiproxy:2.12.0',
    node: env.AGENTUP_NODE_IMAGE || null,
  };
}

/** Whether `tag` is in the engine's local store; any error other than 404 is thrown. */
export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  return docker.getImage(tag).inspect().then(() => true, (err: { statusCode?: number }) => {
    if (err.statusCode === 404) return false;
    throw err;
  });
}

/** A port published on loopback only, at the same number on the host. */
export function loopbackPort(containerPort: number, hostPort: number): { exposed: Record<string, object>; bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> } {
  const key = `${containerPort}/tcp`;
  return { exposed: { [key]: {} }, bindings: { [key]: [{ HostIp: '127.0.0.1', HostPort: String(hostPort) }] } };
}

/** A minimal ustar archive of small text files, for putArchive (init SQL). */
export function tarOf(files: Array<{ name: string; content: string | Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const body = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content);
    const header = Buffer.alloc(512, 0);
    header.write(f.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}
