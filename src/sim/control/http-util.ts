import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentupError } from '../../errors.ts';

/** A request the client got wrong: answered with `status` and `{ error, hint }`. */
export class ControlError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * User errors keep their message and hint (a fault proxy refusal keeps its
 * status); anything else is agentup's bug and answers 500.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ControlError) return sendJson(res, err.status, { error: err.message, hint: err.hint, status: err.status });
  if (err instanceof AgentupError) {
    const own = (err as AgentupError & { status?: unknown }).status;
    const status = typeof own === 'number' && own >= 400 && own < 500 ? own : 400;
    return sendJson(res, status, { error: err.message, hint: err.hint, status });
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, { error: message, hint: 'this is a bug in agentup; please report it', status: 500 });
}

/** The JSON body as an object ({} when empty). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ControlError(413, 'body too large', `keep request bodies under ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlError(400, 'body is not JSON', 'send a JSON object with content-type application/json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ControlError(400, 'body must be a JSON object');
  return value as Record<string, unknown>;
}

/** `args` of an RPC-style body: the library call's arguments, in order. */
export function argsOf(body: Record<string, unknown>): unknown[] {
  const args = body.args ?? [];
  if (!Array.isArray(args)) throw new ControlError(400, 'args must be an array', 'send { "args": [ ... ] } with the arguments of the library call');
  return args;
}
