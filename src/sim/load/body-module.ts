import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentupError } from '../../errors.ts';
import type { BodyGenerator } from './types.ts';

/**
 * Imports a body generator module: its default export (or `body`) is called
 * as body(i, random) per request. A module path, unlike a function, can be
 * loaded inside the worker thread.
 */
export async function loadBodyModule(file: string): Promise<BodyGenerator> {
  const url = file.startsWith('file:') ? file : pathToFileURL(path.resolve(file)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new AgentupError(`cannot load the body module ${file}: ${(err as Error).message}`, {
      hint: 'pass a .js or .ts file whose default export is (i, random) => body',
      cause: err,
    });
  }
  const generator = mod.default ?? mod.body;
  if (typeof generator !== 'function') {
    throw new AgentupError(`the body module ${file} exports no function as default or body`, {
      hint: 'write `export default (i, random) => ({ id: i })`',
    });
  }
  return generator as BodyGenerator;
}
