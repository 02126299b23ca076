/**
 * Docker clean-up after agentup dies without cleaning up itself (crash,
 * `kill -9`): our own equivalent of testcontainers' Ryuk, which needs no
 * image (Ryuk's would have to be pulled, and auto never pulls). A
 * detached watchdog (container-reaper-watchdog.cjs) removes every container,
 * network and image labelled `agentup.run=<runId>` once agentup's end of its
 * stdin pipe closes. The runtime labels everything it creates for a run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentupError, BugError } from '../../errors.ts';

const WATCHDOG = path.join(path.dirname(fileURLToPath(import.meta.url)), 'container-reaper-watchdog.cjs');
/** The label that ties a container, network or image to a run. */
export const RUN_LABEL = 'agentup.run';

export interface RemovedResources {
  containers: number;
  networks: number;
  images: number;
}

export interface ContainerReaper {
  /** The watchdog's pid. */
  readonly pid: number;
  /** Normal shutdown, after removeRunResources: the watchdog exits without touching anything. */
  stop(): Promise<void>;
}

const watchdog = createRequire(import.meta.url)(WATCHDOG) as {
  removeRunResources(runId: string, env: NodeJS.ProcessEnv): Promise<RemovedResources>;
};

function checkRunId(runId: string): void {
  // An empty id would match nothing; whitespace has no business in a label value.
  if (!/^\S+$/.test(runId)) throw new BugError(`run id for the container reaper must be one non-empty word, got ${JSON.stringify(runId)}`);
}

/** The Docker settings the watchdog needs, and nothing else of agentup's environment. */
function dockerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'HOME']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

/**
 * Removes (forcing) every container, then network, then image tag labelled
 * agentup.run=<runId>, and says how many of each went. The runtime's normal
 * stop calls it; the watchdog calls the same code after agentup died.
 */
export async function removeRunResources(runId: string): Promise<RemovedResources> {
  checkRunId(runId);
  try {
    return await watchdog.removeRunResources(runId, process.env);
  } catch (err) {
    throw new AgentupError(`could not remove the Docker containers, networks and images of run ${runId}: ${(err as Error).message}`, {
      hint: `check that Docker runs, then remove them by hand: docker ps -aq --filter label=${RUN_LABEL}=${runId} | xargs -r docker rm -f`,
      cause: err,
    });
  }
}

/** Starts the watchdog for one run; it reaps that run's resources if this process dies. */
export async function startContainerReaper(runId: string): Promise<ContainerReaper> {
  checkRunId(runId);
  const child = spawn(process.execPath, [WATCHDOG, runId], {
    // Its own session: Ctrl-C in agentup's terminal must not take the watchdog down with it.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: dockerEnv(),
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Writes after the watchdog died would raise EPIPE; there is no one to clean up for then.
  child.stdin!.on('error', () => {});
  // Neither the watchdog nor its pipe may keep agentup alive: agentup exiting
  // without stop() is exactly the case the watchdog is for.
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.stdin!.end('close\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
