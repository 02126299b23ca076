import { isAgentupError } from '../errors.ts';

/** Prints an error the way the CLI shows it and returns the exit code: user errors without a stack, bugs with one. */
export function reportError(err: unknown): number {
  if (isAgentupError(err)) {
    process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    return err.exitCode;
  }
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(
    `agentup crashed; this is a bug, please report it with the output below.\n${err instanceof Error ? err.stack : String(err)}\n`,
  );
  return 70;
}
