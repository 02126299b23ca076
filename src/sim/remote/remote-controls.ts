import type { ToxicInfo, ToxicInput } from '../../proxy/types.ts';
import type { JournalEntry, MockApiCounters, RateLimitUpdate } from '../../services/mock-api/index.ts';
import type { FaultHandle, ToxicOptions } from '../dependency-faults.ts';
import type { ApiControlApi, DependencyFaultsApi, ReplicaControlApi } from '../simulation-api.ts';
import type { FaultJson } from '../control/wire.ts';
import { ControlRequestError, type ControlClient } from './control-client.ts';

/** What the remote controls need from their RemoteSimulation. */
export interface Rpc {
  readonly client: ControlClient;
  /** A call that changes something; resolves once the event mirror shows its effects. */
  change<T extends { seq: number }>(method: string, path: string, body?: unknown): Promise<T>;
}

const enc = encodeURIComponent;

function faultHandle(rpc: Rpc, f: FaultJson): FaultHandle {
  let removed = false;
  return {
    target: f.target,
    name: f.name,
    description: f.description,
    remove: async () => {
      if (removed) return;
      removed = true;
      // 404: already gone (resetFaults), as a local handle treats a missing toxic.
      await rpc.change('DELETE', `/faults/${enc(f.target)}/${enc(f.name)}`).catch((err: unknown) => {
        if (!(err instanceof ControlRequestError && err.status === 404)) throw err;
      });
    },
  };
}

/** DependencyFaults over the control API: the running simulation applies and records each fault. */
export class RemoteDependencyFaults implements DependencyFaultsApi {
  constructor(readonly name: string, private readonly rpc: Rpc) {}

  latency(ms: number, options: ToxicOptions & { jitter?: number } = {}): Promise<FaultHandle> {
    return this.#fault('latency', [ms, options]);
  }
  bandwidth(kbps: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.#fault('bandwidth', [kbps, options]);
  }
  timeout(ms: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.#fault('timeout', [ms, options]);
  }
  resetPeer(options: ToxicOptions & { afterMs?: number } = {}): Promise<FaultHandle> {
    return this.#fault('reset_peer', [options]);
  }
  slowClose(ms: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.#fault('slow_close', [ms, options]);
  }
  slicer(averageSize: number, options: ToxicOptions & { sizeVariation?: number; delayUs?: number } = {}): Promise<FaultHandle> {
    return this.#fault('slicer', [averageSize, options]);
  }
  limitData(bytes: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.#fault('limit_data', [bytes, options]);
  }
  toxic(spec: ToxicInput, options: ToxicOptions = {}, description?: string): Promise<FaultHandle> {
    return this.#fault('toxic', description === undefined ? [spec, options] : [spec, options, description]);
  }
  down(): Promise<FaultHandle> {
    return this.#fault('down', []);
  }
  async up(): Promise<void> {
    await this.rpc.change('POST', `/dependencies/${enc(this.name)}/up`);
  }
  toxics(): Promise<ToxicInfo[]> {
    return this.rpc.client.json('GET', `/dependencies/${enc(this.name)}/toxics`);
  }

  async #fault(action: string, args: unknown[]): Promise<FaultHandle> {
    return faultHandle(this.rpc, await this.rpc.change<FaultJson>('POST', `/dependencies/${enc(this.name)}/${action}`, { args }));
  }
}

/** ApiControl over the control API. */
export class RemoteApiControl implements ApiControlApi {
  constructor(readonly name: string, private readonly rpc: Rpc) {}

  outage(options: { status?: number; body?: unknown } = {}): Promise<FaultHandle> {
    return this.#fault('outage', [options]);
  }
  errorRate(fraction: number, status = 500): Promise<FaultHandle> {
    return this.#fault('error_rate', [fraction, status]);
  }
  rateLimit(nameOrRoute: string, update: RateLimitUpdate): Promise<FaultHandle> {
    return this.#fault('rate_limit', [nameOrRoute, update]);
  }
  async clearFaults(): Promise<void> {
    await this.rpc.change('POST', `/apis/${enc(this.name)}/clear_faults`);
  }
  async resetCounters(): Promise<void> {
    await this.rpc.change('POST', `/apis/${enc(this.name)}/reset_counters`);
  }
  counters(): Promise<MockApiCounters> {
    return this.rpc.client.json('GET', `/apis/${enc(this.name)}/counters`);
  }
  journal(options: { limit?: number } = {}): Promise<JournalEntry[]> {
    return this.rpc.client.json('GET', `/apis/${enc(this.name)}/journal${options.limit === undefined ? '' : `?limit=${options.limit}`}`);
  }

  async #fault(action: string, args: unknown[]): Promise<FaultHandle> {
    return faultHandle(this.rpc, await this.rpc.change<FaultJson>('POST', `/apis/${enc(this.name)}/${action}`, { args }));
  }
}

export function remoteReplica(rpc: Rpc, id: string): ReplicaControlApi {
  const path = `/replicas/${enc(id)}`;
  return {
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => (await rpc.change<{ seq: number; killed: boolean }>('POST', `${path}/kill`, { signal })).killed,
    pause: async () => void (await rpc.change('POST', `${path}/pause`)),
    resume: async () => void (await rpc.change('POST', `${path}/resume`)),
    restart: async () => void (await rpc.change('POST', `${path}/restart`)),
  };
}
