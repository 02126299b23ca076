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

export async function exposeHostPorts(docker: Docker, network: string, ports: number[]): Promise<ExposedHostPorts> {
  await TestContainers.exposeHostPorts(...ports);
  const forwarder = await PortForwarderInstance.getInstance();
  const id = forwarder.getContainerId();
  await docker.getNetwork(network).connect({ Container: id, EndpointConfig: { Aliases: [HOST_ALIAS] } });
  return {
    detach: () => docker.getNetwork(network).disconnect({ Container: id, Force: true }).then(() => undefined, () => undefined),
  };
}
