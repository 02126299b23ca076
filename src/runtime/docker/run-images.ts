/**
 * The images a run needs, each made ready once (build:, agentup's proxy
 * image, the Postgres initdb template), started together at the top of a run
 * so each part awaits only its own.
 */
import type Docker from 'dockerode';
import type { Environment } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';
import type { Plan } from '../../plan/types.ts';
import { defaultImages, type DockerImages } from './docker-names.ts';
import { ensurePostgresTemplateImage } from './postgres-image.ts';
import { ensureAgentupProxyImage } from './proxy-image.ts';
import { ensureServiceImage } from './service-image.ts';
import type { StartupPhases } from './startup-phases.ts';

/** The images of this environment: the file's `image:` keys over the AGENTUP_*_IMAGE variables over the defaults. */
export function runImages(env: Environment, processEnv: NodeJS.ProcessEnv): DockerImages {
  const images = defaultImages(processEnv);
  return {
    ...images,
    redis: env.redis?.image ?? images.redis,
    postgres: env.postgres?.image ?? images.postgres,
    faultProxy: env.faultProxy.image ?? images.faultProxy,
  };
}

/** Thrown before anything starts, as the configuration checks would have. */
function missingImage(service: string): never {
  throw new AgentupError(`service ${service} has no build: or image:`, { hint: 'add one, or use --runtime process' });
}

export interface ReadyImages {
  /** Per service: its tag once built (or its image:). */
  services: Map<string, Promise<string>>;
  proxy: Promise<string>;
  /** The Postgres template's tag ('' without Postgres). */
  postgres: Promise<string>;
}

export function prepareImages(docker: Docker, plan: Plan, images: DockerImages, runId: string, phases: StartupPhases): ReadyImages {
  const services = new Map<string, Promise<string>>();
  for (const c of plan.components) {
    if (c.kind !== 'service') continue;
    const build = c.config.build;
    services.set(c.id, build
      ? phases.time(`image_${c.id}`, () => ensureServiceImage(docker, { service: c.id, build, nodeImage: images.node, runId })).then((i) => i.tag)
      : Promise.resolve(c.config.image ?? missingImage(c.id)));
  }
  const proxy = images.faultProxy === 'agentup'
    ? phases.time('proxy_image', () => ensureAgentupProxyImage({ nodeImage: images.node ?? 'node:20-slim' }))
    : Promise.resolve(images.faultProxy);
  const postgres = plan.components.some((c) => c.kind === 'postgres')
    ? phases.time('postgres_template', () => ensurePostgresTemplateImage(docker, images.postgres, runId)).then((t) => t.tag)
    : Promise.resolve('');
  return { services, proxy, postgres };
}
