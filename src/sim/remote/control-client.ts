import { AgentupError, BugError } from '../../errors.ts';
import type { ErrorJson } from '../control/wire.ts';

/** An error answer of the control API; `status` is the HTTP status. */
export class ControlRequestError extends AgentupError {
  constructor(message: string, readonly status: number, hint?: string) {
    super(message, { hint });
  }
}

/** JSON requests to one control API with its token. */
export class ControlClient {
  constructor(readonly base: string, private readonly token: string) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, ...extra };
  }

  /** The raw response of a request that succeeded (2xx); errors become AgentupError/BugError. */
  async fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new AgentupError(`cannot reach the simulation's control API at ${this.base}${path}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
        hint: 'is that agentup still running? Use the URL it printed for this run',
        cause: err,
      });
    }
    if (res.ok) return res;
    const text = await res.text();
    let parsed: Partial<ErrorJson> = {};
    try {
      parsed = JSON.parse(text) as ErrorJson;
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    const message = parsed.error ?? `HTTP ${res.status}`;
    if (res.status >= 500) throw new BugError(`control API ${method} ${path} failed: ${message}`);
    throw new ControlRequestError(message, res.status, parsed.hint);
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    return (await res.json()) as T;
  }

  async text(path: string): Promise<string> {
    return (await this.fetch('GET', path)).text();
  }
}
