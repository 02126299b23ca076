/** agentup's Toxiproxy-compatible fault proxy: server, in-process engine and HTTP client. */
export { startFaultProxy, type FaultProxyOptions, type FaultProxyServer } from './server.ts';
export { FaultEngine, PopulateError } from './engine.ts';
export { ToxiproxyClient, ToxiproxyRequestError } from './client.ts';
export { ToxiproxyApiError } from './api-error.ts';
export { TOXIPROXY_VERSION } from './api-handlers.ts';
export { toxicKinds } from './toxics/index.ts';
export type * from './types.ts';
