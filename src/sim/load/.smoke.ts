import { startTargetServer } from '../../../test/sim/load/helpers/target-server.ts';
import { runLoad } from './start-load.ts';
const s = await startTargetServer();
for (const thread of ['inline', 'worker'] as const) {
  const t = performance.now();
  const r = await runLoad({ url: s.url, rate: 1000, duration: '2s', thread, onTick: (x) => console.log(JSON.stringify(x)) });
  const { seconds, histogram, ...rest } = r;
  console.log(thread, performance.now() - t, JSON.stringify(rest));
}
await s.close();
