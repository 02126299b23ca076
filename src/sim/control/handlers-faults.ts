import type { ApiControl } from '../api-control.ts';
import type { DependencyFaults, FaultHandle } from '../dependency-faults.ts';
import { seqOf, type Call, type ControlContext } from './context.ts';
import { argsOf, ControlError, readJson } from './http-util.ts';
import { API_ACTIONS, DEPENDENCY_ACTIONS, type FaultJson } from './wire.ts';
import { info } from './handlers-state.ts';

/*
 * Faults go through the running simulation's own DependencyFaults and
 * ApiControl, so they are recorded as its events (the terminal UI of
 * `agentup sim` shows what a test injected) and behave exactly as local calls.
 */

async function dependencyOf(call: Call): Promise<DependencyFaults> {
  const name = call.params.name!;
  const known = (await info(call)).dependencies;
  if (!known.includes(name)) {
    throw new ControlError(404, `no dependency named ${JSON.stringify(name)} in ${call.ctx.sim.name}`, `dependencies behind the fault proxy: ${known.join(', ') || '(none)'}`);
  }
  return call.ctx.sim.dependency(name);
}

function apiOf(call: Call): ApiControl {
  const name = call.params.name!;
  const known = call.ctx.sim.endpoints().apis.map((a) => a.name);
  if (!known.includes(name)) {
    throw new ControlError(404, `no mock API named ${JSON.stringify(name)} in ${call.ctx.sim.name}`, `mock APIs: ${known.join(', ') || '(none; add an apis: section)'}`);
  }
  return call.ctx.sim.api(name);
}

function keep(ctx: ControlContext, handle: FaultHandle): FaultJson {
  ctx.faults.set(`${handle.target}/${handle.name}`, handle);
  return { target: handle.target, name: handle.name, description: handle.description, seq: seqOf(ctx) };
}

function actionOf<T extends Record<string, string>>(table: T, action: string, what: string): T[keyof T] {
  if (!Object.hasOwn(table, action)) {
    throw new ControlError(404, `no ${what} action ${JSON.stringify(action)}`, `actions: ${Object.keys(table).join(', ')}`);
  }
  return table[action as keyof T];
}

export async function dependencyFault(call: Call): Promise<FaultJson> {
  const method = actionOf(DEPENDENCY_ACTIONS, call.params.action!, 'dependency');
  const faults = await dependencyOf(call);
  const args = argsOf(await readJson(call.req));
  const fn = faults[method] as (...a: unknown[]) => Promise<FaultHandle>;
  return keep(call.ctx, await fn.apply(faults, args));
}

export async function dependencyUp(call: Call): Promise<unknown> {
  await (await dependencyOf(call)).up();
  return { seq: seqOf(call.ctx) };
}

export async function dependencyToxics(call: Call): Promise<unknown> {
  return (await dependencyOf(call)).toxics();
}

export async function apiFault(call: Call): Promise<FaultJson> {
  const method = actionOf(API_ACTIONS, call.params.action!, 'mock API');
  const api = apiOf(call);
  const args = argsOf(await readJson(call.req));
  const fn = api[method] as (...a: unknown[]) => Promise<FaultHandle>;
  return keep(call.ctx, await fn.apply(api, args));
}

export async function apiClearFaults(call: Call): Promise<unknown> {
  apiOf(call).clearFaults();
  return { seq: seqOf(call.ctx) };
}

export async function apiResetCounters(call: Call): Promise<unknown> {
  apiOf(call).resetCounters();
  return { seq: seqOf(call.ctx) };
}

export async function apiCounters(call: Call): Promise<unknown> {
  return apiOf(call).counters();
}

export async function apiJournal(call: Call): Promise<unknown> {
  const raw = call.query.get('limit');
  const limit = raw === null ? undefined : Number(raw);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new ControlError(400, `limit ${JSON.stringify(raw)} must be a whole number`);
  return apiOf(call).journal({ limit });
}

export async function faultsReset(call: Call): Promise<unknown> {
  await call.ctx.sim.resetFaults();
  call.ctx.faults.clear();
  return { seq: seqOf(call.ctx) };
}

export async function faultRemove(call: Call): Promise<unknown> {
  const key = `${call.params.target}/${call.params.name}`;
  const handle = call.ctx.faults.get(key);
  if (!handle) throw new ControlError(404, `no fault ${JSON.stringify(key)} added through this control API`, 'it may have been removed already, or added by the simulation itself');
  call.ctx.faults.delete(key);
  await handle.remove();
  return { seq: seqOf(call.ctx) };
}
