import { AgentupError } from '../errors.ts';

/**
 * An error with Toxiproxy's exact message and HTTP status (api.go's fixed
 * error values). It is an AgentupError so in-process callers of the engine get
 * a user error; the hint names what was looked up.
 */
export class ToxiproxyApiError extends AgentupError {
  constructor(
    readonly status: number,
    message: string,
    hint?: string,
  ) {
    super(message, { hint });
  }
}

export const apiErrors = {
  badRequestBody: (detail: string) => new ToxiproxyApiError(400, `bad request body: ${detail}`),
  missingField: (field: string) => new ToxiproxyApiError(400, `missing required field: ${field}`),
  proxyNotFound: (name: string) =>
    new ToxiproxyApiError(404, 'proxy not found', `no proxy named '${name}'; list them with GET /proxies`),
  proxyAlreadyExists: (name: string) =>
    new ToxiproxyApiError(409, 'proxy already exists', `a proxy named '${name}' exists; pick another name or delete it`),
  invalidStream: () => new ToxiproxyApiError(400, 'stream was invalid, can be either upstream or downstream'),
  invalidToxicType: (type: string) =>
    new ToxiproxyApiError(
      400,
      'invalid toxic type',
      `'${type}' is not one of latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, noop`,
    ),
  toxicAlreadyExists: (name: string) =>
    new ToxiproxyApiError(409, 'toxic already exists', `a toxic named '${name}' exists on this proxy; update or remove it`),
  toxicNotFound: (name: string) =>
    new ToxiproxyApiError(404, 'toxic not found', `no toxic named '${name}' on this proxy`),
  /** Errors Toxiproxy did not give a status (listen failures): 500. */
  internal: (message: string, hint?: string) => new ToxiproxyApiError(500, message, hint),
};
