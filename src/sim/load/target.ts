import type { Target } from './http-connection.ts';

/** Where the raw sockets connect, and the host header, from a checked loopback origin. */
export function targetOf(origin: string): Target & { hostHeader: string } {
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  // URL keeps IPv6 brackets in hostname ('[::1]'); net.connect wants them off.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(url.port || (tls ? 443 : 80)), tls, hostHeader: url.host };
}
