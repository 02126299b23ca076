import { ControlError, readJson, sendText } from './http-util.ts';
import { HANDLED, seqOf, type Call } from './context.ts';
import type { ControlInfo } from './wire.ts';

export async function info({ ctx }: Call): Promise<ControlInfo> {
  const e = ctx.sim.endpoints();
  return {
    name: ctx.sim.name,
    pid: process.pid,
    startedAt: ctx.sim.startedAt,
    services: Object.keys(ctx.sim.environment.services),
    dependencies: [...new Set([...e.dependencies.map((d) => d.proxy), ...e.apis.map((a) => a.proxy), ...e.upstreams.map((u) => u.proxy)])],
    apis: e.apis.map((a) => a.name),
    endpoints: e,
    seq: seqOf(ctx),
  };
}

export async function endpointsGet({ ctx }: Call): Promise<unknown> {
  return ctx.sim.endpoints();
}

export async function replicasList({ ctx, query }: Call): Promise<unknown> {
  return ctx.sim.replicas(query.get('service') ?? undefined);
}

function replicaOf({ ctx, params }: Call) {
  const id = params.id!;
  if (!ctx.sim.replicas().some((r) => r.id === id)) {
    throw new ControlError(404, `no replica named ${id}`, `replicas: ${ctx.sim.replicas().map((r) => r.id).join(', ')}`);
  }
  return ctx.sim.replica(id);
}

export async function replicaKill(call: Call): Promise<unknown> {
  const signal = (await readJson(call.req)).signal ?? 'SIGKILL';
  if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal)) throw new ControlError(400, `signal ${JSON.stringify(signal)} is not a signal name`, 'e.g. SIGKILL or SIGTERM');
  const killed = replicaOf(call).kill(signal as NodeJS.Signals);
  return { killed, seq: seqOf(call.ctx) };
}

export async function replicaPause(call: Call): Promise<unknown> {
  replicaOf(call).pause();
  return { seq: seqOf(call.ctx) };
}

export async function replicaResume(call: Call): Promise<unknown> {
  replicaOf(call).resume();
  return { seq: seqOf(call.ctx) };
}

export async function replicaRestart(call: Call): Promise<unknown> {
  await replicaOf(call).restart();
  return { seq: seqOf(call.ctx) };
}

export async function metricsText({ ctx, res }: Call): Promise<typeof HANDLED> {
  sendText(res, 200, ctx.sim.metricsText(), 'text/plain; version=0.0.4; charset=utf-8');
  return HANDLED;
}
