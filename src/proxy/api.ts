import type { IncomingMessage, ServerResponse } from 'node:http';
import * as handlers from './api-handlers.ts';
import { errorReply, type ApiRequest, type Reply } from './api-handlers.ts';
import type { FaultEngine } from './engine.ts';
import { newRequestId } from './request-id.ts';

type Handler = (request: ApiRequest) => Reply | Promise<Reply>;

interface Route {
  methods: string[];
  path: string;
  handler: Handler;
}

/** Toxiproxy 2.12.0's routes, in api.go's order. POST on a proxy or toxic is the deprecated PATCH. */
const routes: Route[] = [
  { methods: ['POST'], path: '/reset', handler: handlers.resetState },
  { methods: ['GET'], path: '/proxies', handler: handlers.proxyIndex },
  { methods: ['POST'], path: '/proxies', handler: handlers.proxyCreate },
  { methods: ['POST'], path: '/populate', handler: handlers.populate },
  { methods: ['GET'], path: '/proxies/{proxy}', handler: handlers.proxyShow },
  { methods: ['POST', 'PATCH'], path: '/proxies/{proxy}', handler: handlers.proxyUpdate },
  { methods: ['DELETE'], path: '/proxies/{proxy}', handler: handlers.proxyDelete },
  { methods: ['GET'], path: '/proxies/{proxy}/toxics', handler: handlers.toxicIndex },
  { methods: ['POST'], path: '/proxies/{proxy}/toxics', handler: handlers.toxicCreate },
  { methods: ['GET'], path: '/proxies/{proxy}/toxics/{toxic}', handler: handlers.toxicShow },
  { methods: ['POST', 'PATCH'], path: '/proxies/{proxy}/toxics/{toxic}', handler: handlers.toxicUpdate },
  { methods: ['DELETE'], path: '/proxies/{proxy}/toxics/{toxic}', handler: handlers.toxicDelete },
  { methods: ['GET'], path: '/version', handler: handlers.version },
  // agentup's own, not Toxiproxy's: the seeded toxicity decisions (a real toxiproxy-server answers 404).
  { methods: ['GET'], path: '/agentup/toxicity-rolls', handler: handlers.toxicityRollIndex },
];

/** Registered only with metrics on, for every method (as gorilla/mux's r.Handle). */
const metricsRoute: Route = { methods: [], path: '/metrics', handler: handlers.metrics };

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith('{')) {
      if (got[i] === '') return undefined;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(got[i]!);
      } catch {
        return undefined;
      }
    } else if (part !== got[i]) return undefined;
  }
  return params;
}

export interface ApiOptions {
  metrics: boolean;
}

async function route(engine: FaultEngine, options: ApiOptions, req: IncomingMessage, body: Buffer): Promise<Reply> {
  const path = (req.url ?? '/').split('?')[0]!;
  const method = req.method ?? 'GET';
  let methodMismatch = false;
  for (const candidate of options.metrics ? [...routes, metricsRoute] : routes) {
    const params = matchPath(candidate.path, path);
    if (!params) continue;
    if (candidate.methods.length > 0 && !candidate.methods.includes(method)) {
      methodMismatch = true;
      continue;
    }
    // Keeps web pages (DNS rebinding, CSRF) from driving the API, like Toxiproxy.
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      return { status: 403, body: 'User agent not allowed\n', contentType: 'text/plain; charset=utf-8' };
    }
    try {
      return await candidate.handler({ engine, params, body });
    } catch (err) {
      return errorReply(err);
    }
  }
  if (methodMismatch) return { status: 405 };
  return { status: 404, body: '404 page not found\n', contentType: 'text/plain; charset=utf-8' };
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The node:http request listener of the Toxiproxy-compatible API. */
export function createApiHandler(engine: FaultEngine, options: ApiOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      void route(engine, options, req, Buffer.concat(chunks)).then((reply) => {
        res.setHeader('X-Toxiproxy-Request-Id', newRequestId());
        for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
        if (reply.contentType) res.setHeader('Content-Type', reply.contentType);
        if (reply.body !== undefined && reply.status !== 204) res.setHeader('Content-Length', Buffer.byteLength(reply.body));
        res.writeHead(reply.status);
        res.end(reply.status === 204 ? undefined : reply.body);
      });
    });
    req.on('error', () => res.destroy());
  };
}
