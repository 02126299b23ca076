/**
 * Host ports reachable from the run's containers, through testcontainers'
 * port forwarder (an sshd container with reverse tunnels to this process),
 * so mock APIs and the load balancer keep listening on 127.0.0.1 only. The
 * forwarder joins the run's network under the alias host.testcontainers.internal.
 */
import type Docker from 'dockerode';
import { TestContainers } from 'testcontainers';
import { PortForwarderInstance } from 'testcontainers/build/port-forwarder/port-forwarder.js';
import { HOST_ALIAS } from './docker-names.ts';

export interface ExposedHostPorts {
  /** Leaves the run's network (before the network is removed). */
  detach(): Promise<void>;
}

interface ForwarderLike {
  getContainerId(): string;
  sshConnection?: { client?: { end(): void } };
}

const holder = PortForwarderInstance as unknown as { instance?: Promise<ForwarderLike> };
/** Runs of this process using the forwarder, and every port they exposed. */
let users = 0;
const exposed = new Set<number>();

/** Drops testcontainers' connection (not the container); the next getInstance() reconnects to the same container. */
async function forgetConnection(): Promise<ForwarderLike | undefined> {
  const instance = await holder.instance?.catch(() => undefined);
  holder.instance = undefined;
  instance?.sshConnection?.client?.end();
  return instance;
}

/**
 * testcontainers keeps one forwarder per process for good (Ryuk removes it
 * when available). With Ryuk disabled nothing would, so the last run removes it.
 */
async function removeForwarder(docker: Docker): Promise<void> {
  const instance = await forgetConnection();
  exposed.clear();
  if (instance) await docker.getContainer(instance.getContainerId()).remove({ force: true }).catch(() => undefined);
}

export async function exposeHostPorts(docker: Docker, network: string, ports: number[]): Promise<ExposedHostPorts> {
  // testcontainers unrefs its ssh connection; without another handle the process could exit mid-handshake.
  const keepAlive = setInterval(() => undefined, 1000);
  let id: string;
  users += 1;
  try {
    id = (await PortForwarderInstance.getInstance()).getContainerId();
    // Joining a network can move the container's default route, which cuts the
    // ssh connection already open through the published port: join first, then
    // connect again and (re-)expose every port of every run.
    await docker.getNetwork(network).connect({ Container: id, EndpointConfig: { Aliases: [HOST_ALIAS] } });
    await forgetConnection();
    for (const p of ports) exposed.add(p);
    await TestContainers.exposeHostPorts(...exposed);
  } catch (err) {
    if (--users === 0) await removeForwarder(docker);
    throw err;
  } finally {
    clearInterval(keepAlive);
  }
  return {
    detach: async () => {
      for (const p of ports) exposed.delete(p);
      if (--users === 0) return removeForwarder(docker);
      await docker.getNetwork(network).disconnect({ Container: id, Force: true }).catch(() => undefined);
      // Leaving a network can cut the connection too.
      await forgetConnection();
      if (exposed.size > 0) await TestContainers.exposeHostPorts(...exposed);
    },
  };
}
