import type { RuntimeName } from '../../config/types.ts';
import { AgentupError } from '../../errors.ts';

/** `--runtime auto|process|docker`, shared by sim, up and run. */
export const RUNTIME_OPTION = { runtime: { type: 'string' } } as const;
export const RUNTIME_HELP = '  --runtime R           auto (default: Docker when an engine works, every service has build:/image: and the images are local), process or docker';

export function runtimeFlag(value: unknown): RuntimeName | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto' || value === 'process' || value === 'docker') return value;
  throw new AgentupError(`--runtime ${String(value)} is not a runtime`, { hint: 'use --runtime auto, process or docker' });
}
