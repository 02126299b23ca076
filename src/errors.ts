/**
 * Two kinds of error (after Shopify cli-kit):
 * - AgentupError: the user can fix it. It says what went wrong (quoting the name,
 *   value and place) and what to try next. The CLI prints it without a stack.
 * - BugError: agentup itself is wrong. The CLI asks the user to report it.
 */
export class AgentupError extends Error {
  override readonly name = 'AgentupError';
  /** What to try next, one sentence. */
  readonly hint: string | undefined;
  /** Process exit code the CLI should use. */
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

export class BugError extends Error {
  override readonly name = 'BugError';
}

export function isAgentupError(err: unknown): err is AgentupError {
  return err instanceof AgentupError;
}
