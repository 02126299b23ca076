/**
 * Host ports reachable from the run's containers, so mock APIs and the load
 * balancer keep listening on 127.0.0.1 only: testcontainers' port forwarder
 * (its sshd image, `SSHD_CONTAINER_IMAGE`, default testcontainers/sshd:1.3.0)
 * with a reverse tunnel (ssh `-R`, what testcontainers' exposeHostPorts
 * opens) per port to this process.
 *
 * One forwarder per run, inside the dependency pod (dependency-containers.ts):
 * a tunnel's port is bound in the pod's network namespace, where the fault
 * proxy dials it on 127.0.0.1, and services reach it through the pod's alias
 * host.testcontainers.internal. testcontainers' own forwarder is one sshd
 * container per process with a namespace of its own on the default bridge,
 * joined to each run's network; here that cost Docker ~0.25 s of CPU per run
 * on 2 cores, and loading testcontainers to reach it another 0.4-0.8 s in a
 * fresh process. The ssh port is published on 127.0.0.1 only (by the pod's
 * owner), and the root password is random per run instead of testcontainers'
 * fixed `root`.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type Docker from 'dockerode';
import { Client } from 'ssh2';
import { AgentupError } from '../../errors.ts';
import { containerTail, pollUntil, startContainer, tcpExchange } from './containers.ts';

export const DEFAULT_SSHD_IMAGE = 'testcontainers/sshd:1.3.0';
const READY_TIMEOUT_MS = 30_000;

export interface HostPortForwarder {
  /** Closes the tunnels (before the run's containers are removed). */
  close(): void;
}

export interface ForwarderSpec {
  docker: Docker;
  runId: string;
  network: string;
  /** The started container whose network namespace the forwarder joins. */
  pod: string;
  /** Host port (127.0.0.1) the pod's owner publishes the forwarder's port 22 on. */
  sshPort: number;
  image: string;
  ports: number[];
  /** The ssh connection went away while the run was up: the tunnels are gone. */
  onLost: (reason: string) => void;
  time?: <T>(name: string, work: () => Promise<T>) => Promise<T>;
}

export function sshdImage(env: NodeJS.ProcessEnv): string {
  return env.SSHD_CONTAINER_IMAGE || DEFAULT_SSHD_IMAGE;
}

export async function startPortForwarder(spec: ForwarderSpec): Promise<HostPortForwarder> {
  const time = spec.time ?? ((_, work) => work());
  const password = randomBytes(18).toString('base64url');
  const container = await time('forwarder_container', () => startContainer(spec.docker, {
    runId: spec.runId, component: 'port-forwarder', name: `agentup-${spec.runId}-port-forwarder`, image: spec.image,
    network: spec.network, podOf: spec.pod, aliases: [], env: { PASSWORD: password },
  }));
  // The banner, not a bare connect: Docker's port proxy accepts before sshd listens.
  await time('forwarder_sshd', () => pollUntil(`the port forwarder's sshd on 127.0.0.1:${spec.sshPort}`, () => tcpExchange(spec.sshPort, '', /^SSH-/), READY_TIMEOUT_MS, 25, () => containerTail(container)));
  const client = await time('forwarder_connect', () => connect(spec.sshPort, password));
  const sockets = new Set<net.Socket>();
  let closing = false;
  // After 'ready' an error is followed by 'close', which reports it.
  client.on('error', () => undefined);
  client.on('tcp connection', (info, accept, reject) => {
    // Only the ports this run exposed, and only on loopback.
    if (!spec.ports.includes(info.destPort)) return reject();
    const stream = accept();
    const socket = net.connect(info.destPort, '127.0.0.1');
    sockets.add(socket);
    socket.on('connect', () => {
      stream.pipe(socket);
      socket.pipe(stream);
    });
    socket.on('error', () => stream.destroy());
    socket.on('close', () => (sockets.delete(socket), stream.destroy()));
    stream.on('error', () => socket.destroy());
    stream.on('close', () => socket.destroy());
  });
  client.on('close', () => {
    if (!closing) spec.onLost('the port forwarder\'s ssh connection closed: containers no longer reach the mock APIs and the load balancer');
  });
  try {
    await time('forwarder_expose', () => Promise.all(spec.ports.map((port) => forwardIn(client, port))));
  } catch (err) {
    closing = true;
    client.end();
    throw err;
  }
  return {
    close: () => {
      closing = true;
      client.end();
      for (const s of sockets) s.destroy();
    },
  };
}

function connect(port: number, password: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const failed = (why: string, cause?: Error) => reject(new AgentupError(`could not open the port forwarder's ssh connection on 127.0.0.1:${port}: ${why}`, { hint: 'check that SSHD_CONTAINER_IMAGE is testcontainers/sshd or compatible (root login with $PASSWORD, TCP forwarding on)', ...(cause ? { cause } : {}) }));
    client.once('ready', () => resolve(client));
    client.once('error', (err) => failed(err.message, err));
    // Closed before 'ready' without an error (sshd went away mid-handshake): settle all the same.
    client.once('close', () => failed('the connection closed during the handshake'));
    client.connect({ host: '127.0.0.1', port, username: 'root', password, readyTimeout: READY_TIMEOUT_MS });
  });
}

function forwardIn(client: Client, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(new AgentupError(`the port forwarder's ssh connection closed before port ${port} was forwarded`, { hint: 'see the port forwarder container\'s logs (docker logs)' }));
    client.once('close', closed);
    // Every address of the pod: the proxy dials 127.0.0.1, services the pod's alias.
    client.forwardIn('0.0.0.0', port, (err) => {
      client.off('close', closed);
      if (err) reject(new AgentupError(`the port forwarder could not listen on port ${port} in the dependency pod: ${err.message}`, { hint: 'another port of the run may be using it inside the pod' }));
      else resolve();
    });
  });
}
