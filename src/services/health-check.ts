/**
 * Probes a replica the way an orchestrator would: HTTP GET on its port (2xx
 * or 3xx is healthy) or, for services without a health check, a TCP connect.
 */
import http from 'node:http';
import net from 'node:net';

export interface ProbeResult {
  ok: boolean;
  /** HTTP status, when one arrived. */
  status?: number;
  /** Why it failed, in plain words (`connection refused`, `timed out after 1000ms`). */
  reason?: string;
}

function describeError(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ECONNRESET') return 'connection reset';
  return err.code ?? err.message;
}

export function probeHttp(port: number, path: string, timeoutMs: number, host = '127.0.0.1'): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    // A fresh connection per probe (agent: false): a pooled socket would hide a
    // replica that stopped accepting connections.
    const req = http.get({ host, port, path, agent: false, headers: { 'user-agent': 'agentup-health-check' } }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      finish(status >= 200 && status < 400 ? { ok: true, status } : { ok: false, status, reason: `HTTP ${status}` });
    });
    req.on('error', (err) => finish({ ok: false, reason: describeError(err) }));
    const timer = setTimeout(() => finish({ ok: false, reason: `timed out after ${timeoutMs}ms` }), timeoutMs);
  });
}

export function probeTcp(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (err) => finish({ ok: false, reason: describeError(err) }));
    const timer = setTimeout(() => finish({ ok: false, reason: `timed out after ${timeoutMs}ms` }), timeoutMs);
  });
}

/** Describes the probe target for messages: `HTTP /healthz` or `TCP port 4001`. */
export function probeTarget(path: string | null, port: number): string {
  return path === null ? `TCP port ${port}` : `HTTP ${path}`;
}
