// Worker threads do not inherit the main thread's TypeScript loader, so the
// load generator's worker registers tsx itself. Measured on the 2-core dev
// machine: ~320 ms to a ready worker this way vs ~220 ms for a plain-JS
// worker that loads the same undici + hdr-histogram-js; one TypeScript engine
// shared with inline mode is worth ~0.1 s once per run.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
