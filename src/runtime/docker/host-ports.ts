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

/** Runs of this process using the forwarder; the last one to leave removes it. */
let users = 0;

/**
 * testcontainers keeps one forwarder per process for good (Ryuk removes it
 * when available). With Ryuk disabled nothing would, so the last run removes
 * it and forgets the instance, and a later run starts a fresh one.
 */
async function removeForwarder(docker: Docker): Promise<void> {
  const holder = PortForwarderInstance as unknown as { instance?: Promise<{ getContainerId(): string; sshConnection?: { client?: { end(): void } } }> };
  const instance = await holder.instance?.catch(() => undefined);
  holder.instance = undefined;
  if (!instance) return;
  instance.sshConnection?.client?.end();
  await docker.getContainer(instance.getContainerId()).remove({ force: true }).catch(() => undefined);
}

export async function exposeHostPorts(docker: Docker, network: string, ports: number[]): Promise<ExposedHostPorts> {
  // testcontainers unrefs its ssh connection; without another handle the process would exit mid-handshake.
  const keepAlive = setInterval(() => undefined, 1000);
  let id: string;
  users += 1;
  try {
    await TestContainers.exposeHostPorts(...ports);
    id = (await PortForwarderInstance.getInstance()).getContainerId();
    await docker.getNetwork(network).connect({ Container: id, EndpointConfig: { Aliases: [HOST_ALIAS] } });
  } catch (err) {
    if (--users === 0) await removeForwarder(docker);
    throw err;
  } finally {
    clearInterval(keepAlive);
  }
  return {
    detach: async () => {
      await docker.getNetwork(network).disconnect({ Container: id, Force: true }).catch(() => undefined);
      if (--users === 0) await removeForwarder(docker);
    },
  };
}
