import type { ErrorKind } from './types.ts';

/** Raised by the engine's sweep when a request outlives timeoutMs. */
export class LoadTimeoutError extends Error {
  readonly code = 'AGENTUP_LOAD_TIMEOUT';
}

const TIMEOUT_CODES = new Set(['AGENTUP_LOAD_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
// AGENTUP_SOCKET_CLOSED (http-connection.ts) and undici's UND_ERR_SOCKET: the peer closed mid-request.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'AGENTUP_SOCKET_CLOSED', 'UND_ERR_SOCKET', 'ECONNABORTED']);

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
