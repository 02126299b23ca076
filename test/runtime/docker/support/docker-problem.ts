/**
 * For Docker test files that talk to the engine with dockerode directly
 * (not through detectDockerEngine): ping it once, and say which file is
 * skipped and why when it does not answer.
 */
import Docker from 'dockerode';

/** Why the engine cannot be used (socket and error), or undefined when it answers a ping within 3 s. */
export async function dockerProblem(): Promise<string | undefined> {
  try {
    await new Docker({ timeout: 3000 }).ping();
    return undefined;
  } catch (err) {
    return `${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}: ${(err as Error).message}`;
  }
}

/** dockerProblem(), with a warning naming `testFile` as skipped when there is one. */
export async function dockerProblemOrWarn(testFile: string): Promise<string | undefined> {
  const problem = await dockerProblem();
  if (problem) console.warn(`SKIPPED ${testFile}: no working Docker engine (${problem})`);
  return problem;
}
