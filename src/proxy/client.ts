import http from 'node:http';
import { AgentupError } from '../errors.ts';
import type { ProxyInfo, ProxyInput, ProxyPatch, ToxicInfo, ToxicInput, ToxicityRoll, ToxicPatch } from './types.ts';

/** A request the server refused; `serverMessage` is the server's own `error` text. */
export class ToxiproxyRequestError extends AgentupError {
  constructor(
    message: string,
    readonly status: number,
    readonly serverMessage: string,
    hint?: string,
  ) {
    super(message, { hint });
  }
}

const hints: Record<number, string> = {
  404: 'check the name against GET /proxies',
  409: 'pick another name, or update or delete the existing one',
};

/**
 * A typed client for any Toxiproxy-compatible server: agentup's own or the real
 * toxiproxy-server. Names in paths are URL-encoded; errors become AgentupError
 * quoting the server's message.
 */
export class ToxiproxyClient {
  private readonly base: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    url = 'http://127.0.0.1:8474',
    private readonly options: { timeoutMs?: number } = {},
  ) {
    this.base = new URL(url);
  }

  async version(): Promise<string> {
    const body = (await this.request('GET', '/version')) as { version: string };
    return body.version;
  }

  async listProxies(): Promise<Record<string, ProxyInfo>> {
    return (await this.request('GET', '/proxies')) as Record<string, ProxyInfo>;
  }

  async createProxy(proxy: ProxyInput): Promise<ProxyInfo> {
    return (await this.request('POST', '/proxies', proxy)) as ProxyInfo;
  }

  async getProxy(name: string): Promise<ProxyInfo> {
    return (await this.request('GET', `/proxies/${enc(name)}`)) as ProxyInfo;
  }

  async updateProxy(name: string, patch: ProxyPatch): Promise<ProxyInfo> {
    return (await this.request('PATCH', `/proxies/${enc(name)}`, patch)) as ProxyInfo;
  }

  async deleteProxy(name: string): Promise<void> {
    await this.request('DELETE', `/proxies/${enc(name)}`);
  }

  async populate(proxies: ProxyInput[]): Promise<ProxyInfo[]> {
    const body = (await this.request('POST', '/populate', proxies)) as { proxies: ProxyInfo[] | null };
    return body.proxies ?? [];
  }

  async reset(): Promise<void> {
    await this.request('POST', '/reset');
  }

  async listToxics(proxy: string): Promise<ToxicInfo[]> {
    return (await this.request('GET', `/proxies/${enc(proxy)}/toxics`)) as ToxicInfo[];
  }

  async getToxic(proxy: string, name: string): Promise<ToxicInfo> {
    return (await this.request('GET', `/proxies/${enc(proxy)}/toxics/${enc(name)}`)) as ToxicInfo;
  }

  async addToxic(proxy: string, toxic: ToxicInput): Promise<ToxicInfo> {
    return (await this.request('POST', `/proxies/${enc(proxy)}/toxics`, toxic)) as ToxicInfo;
  }

  async updateToxic(proxy: string, name: string, patch: ToxicPatch): Promise<ToxicInfo> {
    return (await this.request('PATCH', `/proxies/${enc(proxy)}/toxics/${enc(name)}`, patch)) as ToxicInfo;
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.request('DELETE', `/proxies/${enc(proxy)}/toxics/${enc(name)}`);
  }

  /** agentup's toxicity decisions; a server without them (a real toxiproxy-server) gives []. */
  async toxicityRolls(): Promise<ToxicityRoll[]> {
    try {
      return (await this.request('GET', '/agentup/toxicity-rolls')) as ToxicityRoll[];
    } catch (err) {
      if (err instanceof ToxiproxyRequestError && err.status === 404) return [];
      throw err;
    }
  }

  /** Drops idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const where = `${method} ${this.base.origin}${path}`;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = http.request(
        new URL(path, this.base),
        {
          method,
          agent: this.agent,
          headers: {
            'User-Agent': 'agentup-toxiproxy-client',
            ...(payload !== undefined && { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              if (text.trim() === '') return resolve(undefined);
              try {
                return resolve(JSON.parse(text));
              } catch {
                return reject(new AgentupError(`${where} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`));
              }
            }
            let serverMessage = text.trim();
            try {
              serverMessage = (JSON.parse(text) as { error?: string }).error ?? serverMessage;
            } catch {
              // not JSON (403, 404 page): keep the text
            }
            reject(
              new ToxiproxyRequestError(`${where} failed with ${status}: ${serverMessage}`, status, serverMessage, hints[status]),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer after ${timeoutMs}ms`)));
      req.on('error', (err) =>
        reject(
          new AgentupError(`cannot reach the Toxiproxy API at ${this.base.origin} (${where}): ${err.message}`, {
            hint: 'is the proxy running? start one with `agentup toxiproxy` or check the URL',
            cause: err,
          }),
        ),
      );
      req.end(payload);
    });
  }
}

const enc = (name: string): string => encodeURIComponent(name);
