import { ConfigError, type Diagnostic } from '../config/diagnostics.ts';
import { loadEnvironmentFile } from '../config/load.ts';
import type { Environment } from '../config/types.ts';
import { loadMockApiFile } from '../services/mock-api/index.ts';

/**
 * Everything `agentup validate` can check without starting anything: the
 * environment file, then every mock API fixture it names (which have their
 * own format and loader). All fixture problems are reported together.
 */
export async function checkEnvironmentFile(file: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Environment> {
  const environment = await loadEnvironmentFile(file, options);
  const failures: ConfigError[] = [];
  await Promise.all(
    Object.values(environment.apis).map((api) =>
      loadMockApiFile(api.fixture).catch((err: unknown) => {
        if (err instanceof ConfigError) failures.push(err);
        else throw err;
      }),
    ),
  );
  if (failures.length > 0) throw new FixtureErrors(failures);
  return environment;
}

/** Problems in one or more fixtures, each already rendered against its own source. */
export class FixtureErrors extends ConfigError {
  constructor(readonly failures: ConfigError[]) {
    super(failures.flatMap((f) => f.diagnostics));
    this.message = failures.map((f) => f.message).join('\n');
  }

  get allDiagnostics(): Diagnostic[] {
    return this.diagnostics;
  }
}
