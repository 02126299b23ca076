import http from 'node:http';
import { Agent, request } from 'undici';
import { parseMockApi, startMockApi, type RunningMockApi } from '../../../src/services/mock-api/index.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Starts a mock from inline fixture YAML. */
export function startInline(yaml: string, seed = 42): Promise<RunningMockApi> {
  return startMockApi(parseMockApi(yaml, 'inline.yaml'), { seed });
}

/**
 * Fires `count` requests at once, each on its own connection (the agent is
 * not capped), i.e. `count` concurrent clients.
 */
export async function burst(
  url: string, count: number,
  init: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<Answer[]> {
  if (init.localAddress) return burstFrom(url, count, init.localAddress);
  const agent = new Agent({ connections: count });
  try {
    return await Promise.all(
      Array.from({ length: count }, async () => {
        const r = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body, dispatcher: agent });
        return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
      }),
    );
  } finally {
    await agent.close();
  }
}

/** `clients` loops sending requests until `durationMs` passes or `maxRequests` are sent in all. */
export function hammer(url: string, clients: number, durationMs: number, maxRequests: number): Promise<number[]> {
  const deadline = Date.now() + durationMs;
  return sendWhile(url, clients, (sent) => Date.now() < deadline && sent < maxRequests);
}

export function countBy<T>(items: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** node:http, because undici's connector does not take a local address. */
async function burstFrom(url: string, count: number, localAddress: string): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count });
  try {
    return await Promise.all(
      Array.from({ length: count }, () => new Promise<Answer>((resolve, reject) => {
        http.get(url, { agent, localAddress }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        }).on('error', reject);
      })),
    );
  } finally {
    agent.destroy();
  }
}

/** Exactly `total` GETs over `clients` keep-alive connections; returns statuses in completion order. */
export function sendMany(url: string, total: number, clients = 20): Promise<number[]> {
  return sendWhile(url, clients, (issued) => issued < total);
}

/** `clients` loops, each sending GETs while `more(issued so far)` holds; statuses in completion order. */
async function sendWhile(url: string, clients: number, more: (issued: number) => boolean): Promise<number[]> {
  const agent = new Agent({ connections: clients });
  const statuses: number[] = [];
  let issued = 0;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (more(issued)) {
          issued++;
          const r = await request(url, { dispatcher: agent });
          await r.body.dump();
          statuses.push(r.statusCode);
        }
      }),
    );
  } finally {
    await agent.close();
  }
  return statuses;
}
