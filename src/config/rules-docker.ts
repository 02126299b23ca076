import path from 'node:path';
import { servicesOf, asMapping, pathKind, resolvePath, type LoadContext } from './semantic-context.ts';
import type { Problem } from './problems.ts';
import { didYouMean } from './did-you-mean.ts';

/** A service runs something: a command (process runtime), or build:/image: (Docker runtime). */
export function serviceRunsSomething(ctx: LoadContext): Problem[] {
  return servicesOf(ctx.raw).flatMap(([name, s]) => {
    if (s.command !== undefined || s.build !== undefined || s.image !== undefined) return [];
    // A misspelt `comand:` already has its own message.
    if (Object.keys(s).some((key) => didYouMean(key, ['command', 'build', 'image']))) return [];
    return [{
      path: ['services', name, 'command'],
      at: 'parent' as const,
      message: `services.${name} needs command:, build: or image:`,
      hint: 'add command: node server.js (process runtime), or build: ./dir with a Dockerfile, or image: name:tag (Docker runtime)',
    }];
  });
}

export function buildOrImage(ctx: LoadContext): Problem[] {
  const problems: Problem[] = [];
  for (const [name, s] of servicesOf(ctx.raw)) {
    if (s.build !== undefined && s.image !== undefined) {
      problems.push({ path: ['services', name, 'image'], at: 'key', message: `services.${name} has both build: and image:`, hint: 'keep build: to build the image from a Dockerfile, or image: to run an existing one' });
    }
    const build = typeof s.build === 'string' ? { context: s.build } : asMapping(s.build);
    if (!build || typeof build.context !== 'string') continue;
    const context = resolvePath(ctx, build.context);
    if (!context || pathKind(context) !== 'dir') continue; // pathsExist reports a missing context
    const dockerfile = typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
    if (pathKind(path.resolve(context, dockerfile)) !== 'file') {
      const at = typeof s.build === 'string' ? ['services', name, 'build'] : ['services', name, 'build', typeof build.dockerfile === 'string' ? 'dockerfile' : 'context'];
      problems.push({ path: at, message: `services.${name}.build: no ${dockerfile} in ${build.context}`, hint: typeof build.dockerfile === 'string' ? 'dockerfile is a path inside the context' : 'add a Dockerfile to the context, or name it with build: { context, dockerfile }' });
    }
  }
  return problems;
}
