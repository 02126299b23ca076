import { lookup } from 'node:dns/promises';
import { apiErrors, ToxiproxyApiError } from './api-error.ts';

/**
 * host:port handling with Go's net package wording, since Toxiproxy returns
 * those errors verbatim (`listen tcp 127.0.0.1:21001: bind: address already in use`).
 */

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort plus port parsing; throws the Go message after `prefix: `. */
export function splitHostPort(address: string, prefix: string): HostPort {
  let host: string;
  let portText: string;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(address);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw apiErrors.internal(`${prefix}: address ${address}: missing port in address`);
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    if (host.includes(':')) throw apiErrors.internal(`${prefix}: address ${address}: too many colons in address`);
  }
  if (!/^\d+$/.test(portText)) {
    if (portText === '') return { host, port: 0 };
    throw apiErrors.internal(`${prefix}: lookup tcp/${portText}: unknown port`);
  }
  const port = Number(portText);
  if (port > 65535) throw apiErrors.internal(`${prefix}: address ${portText}: invalid port`);
  return { host, port };
}

/** Formats like Go's TCPAddr.String(). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

let emptyListenHost = '127.0.0.1';

/**
 * What an empty listen host binds. Only agentup's fault proxy image sets
 * 0.0.0.0 (Go's meaning), since inside a container 127.0.0.1 is unreachable.
 */
export function setEmptyListenHost(host: string): void {
  emptyListenHost = host;
}

/**
 * The address to bind for a proxy's `listen`. An empty host means every
 * interface in Go; agentup binds 127.0.0.1 instead so a laptop proxy is never
 * reachable from the network. `localhost` is 127.0.0.1, as Go resolves it.
 */
export async function resolveListen(listen: string): Promise<HostPort> {
  const { host, port } = splitHostPort(listen, 'listen tcp');
  if (host === '') return { host: emptyListenHost, port };
  if (host === 'localhost') return { host: '127.0.0.1', port };
  try {
    const { address } = await lookup(host, { family: 4 }).catch(() => lookup(host));
    return { host: address, port };
  } catch {
    throw apiErrors.internal(`listen tcp: lookup ${host}: no such host`);
  }
}

const bindMessages: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

export function listenError(address: HostPort, err: NodeJS.ErrnoException): ToxiproxyApiError {
  const reason = bindMessages[err.code ?? ''] ?? err.message;
  const where = joinHostPort(address.host, address.port);
  return apiErrors.internal(
    `listen tcp ${where}: bind: ${reason}`,
    err.code === 'EADDRINUSE' ? `another process listens on ${where}; pick another listen port or free it` : undefined,
  );
}
