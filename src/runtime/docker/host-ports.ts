/**
 * Host ports reachable from the run's containers, through testcontainers'
 * port forwarder (an sshd container with reverse tunnels to this process),
 * so mock APIs and the load balancer keep listening on 127.0.0.1 only. The
 * forwarder is on the run's network under the alias host.testcontainers.internal.
 *
 * We create the forwarder container ourselves, the way testcontainers would
 * (its image, name and labels), so that testcontainers finds and reuses it:
 * that way it joins the run's network before it starts (joining later moves
 * its default route and cuts the ssh connection, costing a reconnect), its
 * ssh port is published on 127.0.0.1 only, and readiness is an ssh banner
 * polled every 25 ms instead of testcontainers' exec-based port check.
 */
import type Docker from 'dockerode';
import { containerTail, pollUntil, tcpExchange } from './containers.ts';
import { HOST_ALIAS } from './docker-names.ts';

export interface ExposedHostPorts {
  /** Leaves the run's network (before the network is removed). */
  detach(): Promise<void>;
}

interface ForwarderLike {
  getContainerId(): string;
  sshConnection?: { client?: { end(): void } };
}

/**
 * testcontainers (and ssh2 under it) loaded on first use: a process-runtime
 * run never pays its start-up time and memory (~10 MB).
 */
const tc = {
  main: null as unknown as typeof import('testcontainers'),
  forwarder: null as unknown as typeof import('testcontainers/build/port-forwarder/port-forwarder.js'),
  reaper: null as unknown as typeof import('testcontainers/build/reaper/reaper.js'),
  labels: null as unknown as typeof import('testcontainers/build/utils/labels.js'),
};
let loading: Promise<void> | null = null;
function loadTestcontainers(): Promise<void> {
  loading ??= (async () => {
    [tc.main, tc.forwarder, tc.reaper, tc.labels] = await Promise.all([
      import('testcontainers'),
      import('testcontainers/build/port-forwarder/port-forwarder.js'),
      import('testcontainers/build/reaper/reaper.js'),
      import('testcontainers/build/utils/labels.js'),
    ]);
  })();
  return loading;
}

const holder = (): { instance?: Promise<ForwarderLike> } => (tc.forwarder?.PortForwarderInstance ?? {}) as unknown as { instance?: Promise<ForwarderLike> };
/** Runs of this process using the forwarder, and every port they exposed. */
let users = 0;
const exposed = new Set<number>();
/** The forwarder container this process created, once asked for. */
let created: Promise<string> | null = null;

/** testcontainers labels the forwarder with its session; without Ryuk only our watchdog can sweep that label after a crash. */
export const SESSION_LABEL = 'org.testcontainers.session-id';
const READY_TIMEOUT_MS = 30_000;
/** Times a step as a start-up phase (StartupPhases.time). */
type Timer = <T>(name: string, work: () => Promise<T>) => Promise<T>;

async function sessionId(): Promise<string> {
  return (await tc.reaper.getReaper(await tc.main.getContainerRuntimeClient())).sessionId;
}

/** Drops testcontainers' connection (not the container); the next getInstance() reconnects to the same container. */
async function forgetConnection(): Promise<ForwarderLike | undefined> {
  const instance = await holder().instance?.catch(() => undefined);
  holder().instance = undefined;
  instance?.sshConnection?.client?.end();
  return instance;
}

/**
 * testcontainers keeps one forwarder per process for good (Ryuk removes it
 * when available). With Ryuk disabled nothing would, so the last run removes it.
 */
async function removeForwarder(docker: Docker): Promise<void> {
  const instance = await forgetConnection();
  const id = instance?.getContainerId() ?? (await created?.catch(() => undefined));
  created = null;
  exposed.clear();
  if (id) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
}

/** The forwarder as testcontainers creates it, but on `network` and published on loopback. */
async function createForwarder(docker: Docker, network: string, networkReady: Promise<unknown>, session: string): Promise<string> {
  const container = await docker.createContainer({
    name: `testcontainers-port-forwarder-${session}`,
    Image: tc.forwarder.SSHD_IMAGE,
    Env: ['PASSWORD=root'],
    Labels: { ...tc.labels.createLabels(), [tc.labels.LABEL_TESTCONTAINERS_SSHD]: 'true', [SESSION_LABEL]: session },
    ExposedPorts: { '22/tcp': {} },
    // On the default bridge, as testcontainers has it, so the published port outlives any run's network.
    HostConfig: { PortBindings: { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  try {
    // Joined before it starts: before there is any ssh connection to cut.
    await networkReady;
    await docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: { Aliases: [HOST_ALIAS] } });
    await container.start();
    const info = await container.inspect();
    const port = Number(info.NetworkSettings.Ports['22/tcp']?.[0]?.HostPort);
    // The banner, not a bare connect: Docker's port proxy accepts before sshd listens.
    await pollUntil(`the port forwarder's sshd on 127.0.0.1:${port}`, () => tcpExchange(port, '', /^SSH-/), READY_TIMEOUT_MS, 25, () => containerTail(container));
    return container.id;
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * `onForwarder` gets the forwarder's `key=value` session label before it is
 * created, for the run's watchdog (container-reaper.ts alsoRemoveLabelled),
 * when Ryuk is off. (With Ryuk on, the session may be another process's:
 * testcontainers reuses a running Ryuk and its session id; Ryuk removes the
 * forwarder itself.) `networkReady` resolves once `network` exists.
 */
export async function exposeHostPorts(docker: Docker, network: string, ports: number[], onForwarder?: (label: string) => void, networkReady: Promise<unknown> = Promise.resolve(), time: Timer = (_, work) => work()): Promise<ExposedHostPorts> {
  // testcontainers unrefs its ssh connection; without another handle the process could exit mid-handshake.
  const keepAlive = setInterval(() => undefined, 1000);
  let id: string;
  users += 1;
  try {
    const session = await time('forwarder_load', async () => (await loadTestcontainers(), sessionId()));
    // Before the forwarder exists, so there is no moment a crash would leave it behind.
    if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') onForwarder?.(`${SESSION_LABEL}=${session}`);
    let mine = false;
    if (!created && !holder().instance) {
      mine = true;
      created = time('forwarder_container', () => createForwarder(docker, network, networkReady, session));
    }
    const ours = await created?.catch(() => undefined);
    if (mine && !ours) await created; // our own creation failed: say why
    for (const p of ports) exposed.add(p);
    if (mine) {
      id = ours!;
    } else {
      await networkReady;
      id = (await tc.forwarder.PortForwarderInstance.getInstance()).getContainerId();
      // Joining a network can move the container's default route, which cuts the
      // ssh connection already open through the published port: join first, then
      // connect again and (re-)expose every port of every run.
      await docker.getNetwork(network).connect({ Container: id, EndpointConfig: { Aliases: [HOST_ALIAS] } });
      await forgetConnection();
    }
    // testcontainers finds the forwarder by its session labels and connects to it.
    await time('forwarder_expose', () => tc.main.TestContainers.exposeHostPorts(...exposed));
  } catch (err) {
    for (const p of ports) exposed.delete(p);
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
      if (exposed.size > 0) await tc.main.TestContainers.exposeHostPorts(...exposed);
    },
  };
}
