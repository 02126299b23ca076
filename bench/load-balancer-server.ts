// Runs one load balancer in its own process for bench/load-balancer.ts, the
// way it gets its own event loop in a real topology. Prints its port.
import { startLoadBalancer } from '../src/services/load-balancer.ts';

const backendPort = Number(process.argv[2]);
const lb = await startLoadBalancer({ strategy: 'round_robin', service: 'bench' });
lb.setBackends([{ id: 'bench-1', host: '127.0.0.1', port: backendPort }]);
console.log(String(lb.port));
process.stdin.resume();
process.stdin.on('end', () => void lb.close().then(() => process.exit(0)));
