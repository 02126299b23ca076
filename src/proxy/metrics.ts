import type { ProxyStats } from './types.ts';

/**
 * Prometheus text exposition of Toxiproxy's proxy metrics, same names and
 * labels (direction, listener, proxy, upstream; sorted as client_golang prints
 * them). Bytes received are read from the source, bytes sent are written to
 * the destination; they differ while toxics hold or drop data.
 */

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderMetrics(stats: ProxyStats[]): string {
  const families = [
    { name: 'toxiproxy_proxy_received_bytes_total', help: 'Bytes read from the source of each proxy link.', key: 'receivedBytes' },
    { name: 'toxiproxy_proxy_sent_bytes_total', help: 'Bytes written to the destination of each proxy link.', key: 'sentBytes' },
  ] as const;
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} counter`);
    for (const proxy of stats) {
      for (const direction of ['downstream', 'upstream'] as const) {
        const bytes = (direction === 'upstream' ? proxy.upstreamBytes : proxy.downstreamBytes)[family.key];
        const labels =
          `direction="${direction}",listener="${escape(proxy.listen)}",` +
          `proxy="${escape(proxy.name)}",upstream="${escape(proxy.upstream)}"`;
        lines.push(`${family.name}{${labels}} ${bytes}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
