/**
 * A service's replicas as containers: one ContainerSupervisor per version
 * group, each replica's container created on the run's network under its id
 * (its alias), published on 127.0.0.1 at its port, with the service's env
 * rendered for the network; and the container-only controls of one replica.
 */
import type Docker from 'dockerode';
import type { Plan, PlannedService } from '../../plan/types.ts';
import type { ReplicaControl } from '../types.ts';
import { containerAddressBook, containerEnv } from './container-env.ts';
import { ContainerSupervisor } from './container-supervisor.ts';
import { createContainer } from './containers.ts';
import type { StartupPhases } from './startup-phases.ts';

export interface ServiceGroup {
  /** The supervisor's key: the service, or the version's config name. */
  key: string;
  owner: { service: string; version?: string };
  supervisor: ContainerSupervisor;
}

export function serviceSupervisors(run: { docker: Docker; runId: string; network: string; plan: Plan; phases: StartupPhases }, c: PlannedService, image: Promise<string>): ServiceGroup[] {
  const book = containerAddressBook(run.plan);
  const groups = c.versions ?? [{ name: '', config: c.config, replicas: c.replicas }];
  return groups.map((group) => {
    const cfg = group.config;
    const supervisor = new ContainerSupervisor({
      service: cfg,
      replicas: group.replicas.map((r) => ({ id: r.id, port: r.address.port })),
      create: async (index) => {
        const r = group.replicas[index]!;
        const tag = await image;
        return run.phases.time(`create_${r.id}`, () => createContainer(run.docker, {
          runId: run.runId,
          component: r.id,
          name: `agentup-${run.runId}-${r.id}`,
          image: tag,
          network: run.network,
          aliases: [r.id],
          cmd: commandArgs(cfg.command),
          env: containerEnv(cfg, r, book),
          ports: [[r.address.port, r.address.port]],
          ...(cfg.memoryLimitMb ? { memoryBytes: Math.round(cfg.memoryLimitMb * 1024 * 1024) } : {}),
        }));
      },
    });
    return { key: c.versions ? cfg.name : c.id, owner: group.name ? { service: c.id, version: group.name } : { service: c.id }, supervisor };
  });
}

/** One replica's controls: the supervisor's, plus a network disconnect/connect that only a container has. */
export function containerReplicaControl(network: Docker.Network, s: ContainerSupervisor, index: number, id: string, failed: (what: string, err: unknown) => void): ReplicaControl {
  return {
    kill: (sig) => s.kill(index, sig),
    pause: () => void s.pause(index).catch((err) => failed('pause', err)),
    resume: () => void s.resume(index).catch((err) => failed('resume', err)),
    restart: () => s.restart(index),
    stop: () => s.stopReplica(index),
    start: () => s.startReplica(index),
    disconnect: async () => {
      const container = s.containerOf(index);
      if (container) await network.disconnect({ Container: container.id, Force: true });
    },
    connect: async () => {
      const container = s.containerOf(index);
      if (container) await network.connect({ Container: container.id, EndpointConfig: { Aliases: [id] } });
    },
  };
}

/** `command:` over the image's CMD: a simple string is split like exec form; anything with shell syntax runs under sh -c. */
export function commandArgs(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  if (/^[\w./:=@%+,-]+( +[\w./:=@%+,-]+)*$/.test(command.trim())) return command.trim().split(/ +/);
  return ['/bin/sh', '-c', command];
}
