import { AgentupError } from '../../errors.ts';
import type { LoadOptions } from '../load/index.ts';
import { seqOf, type Call, type ControlContext } from './context.ts';
import { ControlError, readJson } from './http-util.ts';

/** Finished runs kept for `GET /loads/:id`; older ones are forgotten. */
const KEEP_FINISHED = 50;
let nextId = 1;

/**
 * Load runs in the simulation's process, through sim.startLoad: its
 * load_started / load_finished events and per-second figures then reach
 * the running simulation's own stream (and the terminal UI watching it),
 * exactly as for local load. The generator still gets its own worker thread.
 */
export async function loadCreate(call: Call): Promise<unknown> {
  const { ctx } = call;
  const body = await readJson(call.req);
  const { bodyBase64, ...rest } = body;
  const options = rest as LoadOptions & { url?: string };
  if (typeof bodyBase64 === 'string') options.body = new Uint8Array(Buffer.from(bodyBase64, 'base64'));
  const handle = ctx.sim.startLoad(options);
  const id = String(nextId++);
  const entry: { handle: typeof handle; result?: Awaited<typeof handle.done> } = { handle };
  ctx.loads.set(id, entry);
  handle.done.then(
    (result) => {
      entry.result = result;
      ctx.bus.emit('load_done', { id, result });
      forgetOld(ctx);
    },
    (err: unknown) => {
      const e = err as Error;
      ctx.bus.emit('load_done', { id, error: { message: e.message, hint: err instanceof AgentupError ? err.hint : undefined, bug: !(err instanceof AgentupError) } });
      ctx.loads.delete(id);
    },
  );
  return { id, seq: seqOf(ctx) };
}

function forgetOld(ctx: ControlContext): void {
  const finished = [...ctx.loads].filter(([, l]) => l.result);
  for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) ctx.loads.delete(id);
}

function loadOf(call: Call) {
  const entry = call.ctx.loads.get(call.params.id!);
  if (!entry) throw new ControlError(404, `no load run ${JSON.stringify(call.params.id)}`, 'it finished long ago, or was started by another run');
  return entry;
}

export async function loadGet(call: Call): Promise<unknown> {
  const entry = loadOf(call);
  return { id: call.params.id, snapshot: entry.handle.snapshot(), result: entry.result ?? null };
}

export async function loadStop(call: Call): Promise<unknown> {
  loadOf(call).handle.stop();
  return { seq: seqOf(call.ctx) };
}

export async function loadRate(call: Call): Promise<unknown> {
  const entry = loadOf(call);
  const { rate } = await readJson(call.req);
  entry.handle.setRate(rate as number);
  return { seq: seqOf(call.ctx) };
}

/** Pushes each running load's totals once a second (on the simulation's load ticks). */
export function publishProgress(ctx: ControlContext): void {
  for (const [id, entry] of ctx.loads) {
    if (!entry.result) ctx.bus.emit('load_progress', { id, snapshot: entry.handle.snapshot() });
  }
}
