import type { ErrorKind } from './types.ts';

/** Raised by the engine's own per-request timer (undici only has per-phase timeouts). */
export class LoadTimeoutError extends Error {
  readonly code = 'AGENTUP_LOAD_TIMEOUT';
}

const TIMEOUT_CODES = new Set(['AGENTUP_LOAD_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
// UND_ERR_SOCKET is undici's "other side closed": the peer reset or closed mid-request.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Sorts a transport error into the few kinds a load report shows. */
export function errorKind(err: unknown): ErrorKind {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (code === 'ECONNREFUSED') return 'econnrefused';
    if (RESET_CODES.has(code)) return 'econnreset';
  }
  return 'other';
}
