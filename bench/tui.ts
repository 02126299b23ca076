/**
 * Is the terminal UI responsive under load? Renders the real App (Ink, 120x40,
 * into a fake TTY so every frame is really drawn) over a real simulation of
 * environments/support-agent.yaml while sim.startLoad drives POST /triage at
 * 1,000 req/s, and measures the main thread's event-loop delay
 * (perf_hooks.monitorEventLoopDelay). The same load without the UI, in the same
 * run, is the baseline. Prints JSON. Target (issue #6): p99 lag < 50 ms with the UI.
 *
 *   npx tsx bench/tui.ts [seconds=10] [rate=1000] [healthz|triage]
 */
import { Writable, PassThrough } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Simulation } from '../src/sim/simulation.ts';

// As `agentup sim` runs React: production mode (the replicas still get the caller's env).
const callerEnv = { ...process.env };
process.env.NODE_ENV ??= 'production';
const { render } = await import('ink');
const { createElement } = await import('react');
const { App } = await import('../src/cli/tui/components/App.tsx');
const { SimController } = await import('../src/cli/tui/controller.ts');
const { SimSession } = await import('../src/cli/tui/sim-session.ts');
const { startSimulation } = await import('../src/sim/simulation.ts');

const seconds = Number(process.argv[2] ?? 10);
const rate = Number(process.argv[3] ?? 1000);
/** `triage` (POST /triage tickets: the sample service saturates far below 1,000/s on 2 cores) or `healthz` (GET /healthz: the rate is really reached). */
const target = process.argv[4] ?? 'healthz';
const request = target === 'triage' ? { path: '/triage', method: 'POST', bodyModule: '' } : { path: '/healthz', method: 'GET' };
const TARGET_P99_MS = 50;
const ticketBody = fileURLToPath(new URL('../src/cli/tui/ticket-body.ts', import.meta.url));

/** A terminal that keeps only counts: Ink sees a 120x40 TTY and renders every frame. */
class FakeTty extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  frames = 0;
  bytes = 0;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.frames++;
    this.bytes += chunk.length;
    done();
  }
}

function fakeStdin(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { isTTY: boolean };
  s.isTTY = true;
  s.setRawMode = () => s;
  s.ref = () => s;
  s.unref = () => s;
  return s;
}

async function measure(sim: Simulation) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const result = await sim.load({ ...request, ...(target === 'triage' ? { bodyModule: ticketBody } : {}), rate, duration: seconds * 1000 });
  lag.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    lagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    load: { sent: result.sent, ok: result.ok, failed: result.failed, dropped: result.dropped, achievedRate: Math.round(result.achievedRate), p99Ms: result.latency.p99Ms },
  };
}

await using sim = await startSimulation('environments/support-agent.yaml', { faultProxyPort: 0, seed: 1, env: callerEnv });
// Warm the service (JIT, pools, cache) so both phases see the same system.
await sim.load({ path: '/triage', method: 'POST', bodyModule: ticketBody, rate: 200, duration: 2000 });
const baseline = await measure(sim);

const session = new SimSession();
for (const e of sim.events()) session.event(e);
session.attach(sim, { events: true, logs: true });
const stdout = new FakeTty();
const ink = render(createElement(App, { session, control: new SimController(sim, session.notify), onQuit: () => {} }), {
  stdout: stdout as unknown as NodeJS.WriteStream, stdin: fakeStdin(), exitOnCtrlC: false, patchConsole: false, maxFps: 10,
});
const framesBefore = stdout.frames;
const withUi = await measure(sim);
const frames = stdout.frames - framesBefore;
ink.unmount();
session.close();

console.log(JSON.stringify({
  bench: 'tui', seconds, rate, target: `${request.method} ${request.path}`, terminal: '120x40',
  baseline,
  withUi: { ...withUi, writes: frames, writesPerSecond: Math.round(frames / seconds), kbWritten: Math.round(stdout.bytes / 1024), logLinesSeen: session.getState().logCount },
  targetP99Ms: TARGET_P99_MS,
  pass: withUi.lagMs.p99 < TARGET_P99_MS,
}, null, 2));
