// A stand-in third-party API (LLM or sentiment) on a real socket whose
// answers a test scripts per request, and which records what it received.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (a slow dependency). */
  delayMs?: number;
}

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  atMs: number;
}

export interface ScriptedApi {
  url: string;
  received: ReceivedRequest[];
  /** `reply(n)` answers the n-th request (0-based) on this API. */
  script(reply: (n: number, req: ReceivedRequest) => Reply): void;
  close(): Promise<void>;
}

export async function startScriptedApi(): Promise<ScriptedApi> {
  const received: ReceivedRequest[] = [];
  let reply: (n: number, req: ReceivedRequest) => Reply = () => ({ status: 500, body: { error: 'not scripted' } });
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text
      }
      const entry = { path: req.url ?? '/', headers: req.headers, body, atMs: performance.now() };
      const r = reply(received.length, entry);
      received.push(entry);
      const send = () => {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(JSON.stringify(r.body));
      };
      if (!r.delayMs) return send();
      const t = setTimeout(() => (timers.delete(t), send()), r.delayMs);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (fn) => void (reply = fn),
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An OpenAI chat-completion body whose message content is `content`. */
export function chatCompletion(content: string): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  };
}
