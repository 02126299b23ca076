// Runs one proxy in its own process for bench/load-balancer.ts, the way the
// load balancer gets its own event loop in a real topology, and prints its
// port. Mode `lb` is agentup's load balancer; `pipe` is a raw TCP pipe (no
// HTTP at all), the floor any Node proxy can reach on this machine.
import net from 'node:net';
import { startLoadBalancer } from '../src/services/load-balancer.ts';

const backendPort = Number(process.argv[2]);
const mode = process.argv[3] ?? 'lb';
let close: () => Promise<void>;
if (mode === 'pipe') {
  const server = net.createServer((client) => {
    const upstream = net.connect(backendPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  console.log(String((server.address() as net.AddressInfo).port));
  close = () => new Promise((r) => server.close(() => r()));
} else {
  const lb = await startLoadBalancer({ strategy: 'round_robin', service: 'bench' });
  lb.setBackends([{ id: 'bench-1', host: '127.0.0.1', port: backendPort }]);
  console.log(String(lb.port));
  close = () => lb.close();
}
process.stdin.resume();
process.stdin.on('end', () => void close().finally(() => process.exit(0)));
