/**
 * Which runtime a simulation uses, and why, said in one line:
 * `--runtime`/the option > `runtime:` in the file > $AGENTUP_RUNTIME > auto.
 */
import type { Environment, RuntimeName } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';
// dockerode and the detection code load only when Docker is considered, so a
// process-runtime run does not carry them in memory.
import type { DetectedEngine, DetectionResult } from './detect.ts';

export interface RuntimeChoice {
  name: 'process' | 'docker';
  /** `auto: Docker engine at unix:///var/run/docker.sock`, `runtime: docker in the environment file`, ... */
  reason: string;
  engine?: DetectedEngine;
}

const NAMES: readonly RuntimeName[] = ['auto', 'process', 'docker'];

function where(env: Environment, key: string): string {
  const p = env.positions.get(key);
  return p ? `${p.file}:${p.line}:${p.col}` : env.file;
}

function requested(option: RuntimeName | undefined, env: Environment, processEnv: NodeJS.ProcessEnv): { name: RuntimeName; source: string } {
  if (option) return { name: option, source: 'asked for' };
  if (env.runtime) return { name: env.runtime, source: `runtime: ${env.runtime} in ${where(env, 'runtime')}` };
  const fromEnv = processEnv.AGENTUP_RUNTIME;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!(NAMES as readonly string[]).includes(fromEnv)) {
      throw new AgentupError(`AGENTUP_RUNTIME=${fromEnv} is not a runtime`, { hint: 'set AGENTUP_RUNTIME to auto, process or docker, or unset it' });
    }
    return { name: fromEnv as RuntimeName, source: `AGENTUP_RUNTIME=${fromEnv}` };
  }
  return { name: 'auto', source: 'auto' };
}

/** Services Docker cannot run: neither build: nor image:. */
function withoutImage(env: Environment): string[] {
  return Object.values(env.services).filter((s) => !s.build && !s.image).map((s) => s.name);
}

export async function chooseRuntime(
  env: Environment,
  option: RuntimeName | undefined,
  processEnv: NodeJS.ProcessEnv = process.env,
  detect: () => Promise<DetectionResult> = async () => (await import('./detect.ts')).detectDockerEngine({ env: processEnv }),
  checkImages: (engine: DetectedEngine, images: string[]) => Promise<string[]> = async (engine, images) => {
    const [{ default: Docker }, { missingLocally }] = await Promise.all([import('dockerode'), import('./needed-images.ts')]);
    return missingLocally(new Docker(engine.dockerOptions), images);
  },
): Promise<RuntimeChoice> {
  const { name, source } = requested(option, env, processEnv);
  if (name === 'process') {
    const noCommand = Object.values(env.services).find((s) => Array.isArray(s.command) && s.command.length === 0);
    if (noCommand) {
      throw new AgentupError(`${where(env, `services.${noCommand.name}`)}: services.${noCommand.name} has no command:, and the process runtime runs a command`, {
        hint: 'add command: (how to start it on this machine), or use --runtime docker to run its build:/image:',
      });
    }
    return { name: 'process', reason: source };
  }
  const missing = withoutImage(env);
  if (name === 'docker') {
    if (missing.length > 0) {
      const first = missing[0]!;
      throw new AgentupError(`${where(env, `services.${first}`)}: services.${first} has no build: or image:, and the docker runtime runs containers`, {
        hint: `add build: <dir with a Dockerfile> or image: <name:tag> to ${missing.join(', ')}, or use --runtime process`,
      });
    }
    const detection = await detect();
    if (!detection.engine) {
      throw new AgentupError(`the docker runtime (${source}) needs a working Docker engine, and none was found:\n${detection.reasons.map((r) => `  - ${r}`).join('\n')}`, {
        hint: 'start Docker (or set DOCKER_HOST to a running engine), or use --runtime process',
      });
    }
    return { name: 'docker', reason: `${source}; Docker engine at ${detection.engine.uri}`, engine: detection.engine };
  }
  if (missing.length > 0) return { name: 'process', reason: `auto: service ${missing.join(', ')} has no build: or image:` };
  const detection = await detect();
  if (!detection.engine) return { name: 'process', reason: `auto: no Docker engine — ${detection.reasons.join('; ')}` };
  const { neededImages } = await import('./needed-images.ts');
  const missingImages = await missingImagesOrAll(checkImages, detection.engine, neededImages(env, processEnv));
  if (missingImages.length > 0) {
    return { name: 'process', reason: `auto: Docker engine at ${detection.engine.uri}, but ${missingImages.join(', ')} ${missingImages.length === 1 ? 'is' : 'are'} not on this machine (auto never pulls; docker pull ${missingImages.length === 1 ? 'it' : 'them'}, or use --runtime docker)` };
  }
  return { name: 'docker', reason: `auto: Docker engine at ${detection.engine.uri}, images present`, engine: detection.engine };
}

async function missingImagesOrAll(check: (engine: DetectedEngine, images: string[]) => Promise<string[]>, engine: DetectedEngine, images: string[]): Promise<string[]> {
  try {
    return await check(engine, images);
  } catch {
    return images; // an engine that cannot list images cannot be relied on either
  }
}
