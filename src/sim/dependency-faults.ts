import type { ToxiproxyClient } from '../proxy/client.ts';
import type { StreamDirection, ToxicInfo, ToxicInput } from '../proxy/types.ts';
import type { SimEvent } from './events.ts';

/** A fault that is in effect; `remove()` takes it away (idempotent). */
export interface FaultHandle {
  readonly target: string;
  readonly name: string;
  readonly description: string;
  remove(): Promise<void>;
}

export interface ToxicOptions {
  /** `downstream` (server to service, the default) or `upstream` (service to server). */
  stream?: StreamDirection;
  /** Fraction of connections affected, 0..1 (rolled once per connection). Default 1. */
  toxicity?: number;
  /** Toxic name; default `<type>_<stream>`, or a unique one when that is taken. */
  name?: string;
}

type Emit = (event: SimEvent) => void;

/**
 * Faults on the link between the service and one dependency (a proxy of the
 * fault proxy), with Toxiproxy's units: ms, KB/s (KB = 1000 bytes), bytes,
 * microseconds for the slicer's delay. Each call resolves once the toxic is in
 * effect, on new and already open connections alike.
 */
export class DependencyFaults {
  #seq = 0;

  constructor(
    readonly name: string,
    private readonly client: ToxiproxyClient,
    private readonly emit: Emit,
  ) {}

  /** Delays every chunk by `ms` (+/- jitter ms). */
  latency(ms: number, options: ToxicOptions & { jitter?: number } = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'latency', attributes: { latency: ms, jitter: options.jitter ?? 0 } }, options, `latency ${ms}ms${options.jitter ? ` ±${options.jitter}ms` : ''}`);
  }

  /** Limits each connection to `kbps` KB/s (1 KB = 1000 bytes). */
  bandwidth(kbps: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'bandwidth', attributes: { rate: kbps } }, options, `bandwidth ${kbps}KB/s`);
  }

  /** Swallows data; closes the connection after `ms` without data (0: never). */
  timeout(ms: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'timeout', attributes: { timeout: ms } }, options, `timeout ${ms}ms`);
  }

  /** Resets the connection (TCP RST) `afterMs` after its first data. */
  resetPeer(options: ToxicOptions & { afterMs?: number } = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'reset_peer', attributes: { timeout: options.afterMs ?? 0 } }, options, 'reset peer');
  }

  /** Delays the close of each connection by `ms`. */
  slowClose(ms: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'slow_close', attributes: { delay: ms } }, options, `slow close ${ms}ms`);
  }

  /** Splits data into pieces of about averageSize bytes, `delayUs` microseconds apart. */
  slicer(averageSize: number, options: ToxicOptions & { sizeVariation?: number; delayUs?: number } = {}): Promise<FaultHandle> {
    const attributes = { average_size: averageSize, size_variation: options.sizeVariation ?? 0, delay: options.delayUs ?? 0 };
    return this.toxic({ type: 'slicer', attributes }, options, `slicer ${averageSize}B`);
  }

  /** Closes each connection after `bytes` bytes in the stream's direction. */
  limitData(bytes: number, options: ToxicOptions = {}): Promise<FaultHandle> {
    return this.toxic({ type: 'limit_data', attributes: { bytes } }, options, `limit ${bytes}B`);
  }

  /**
   * Any toxic by its Toxiproxy JSON shape. `toxicity(0.3)` style partial
   * faults are the `toxicity` option of any of the methods above.
   */
  async toxic(spec: ToxicInput, options: ToxicOptions = {}, description?: string): Promise<FaultHandle> {
    const stream = options.stream ?? (spec.stream as StreamDirection | undefined) ?? 'downstream';
    const name = options.name ?? spec.name ?? (await this.#freeName(`${spec.type}_${stream}`));
    const info = await this.client.addToxic(this.name, { ...spec, name, stream, toxicity: options.toxicity ?? spec.toxicity ?? 1 });
    const text = `${description ?? spec.type}${info.toxicity < 1 ? ` on ${Math.round(info.toxicity * 100)}% of connections` : ''}${stream === 'upstream' ? ' (upstream)' : ''}`;
    this.emit({ type: 'fault_added', ts: Date.now(), target: this.name, fault: info.name, kind: info.type, description: text });
    let removed = false;
    return {
      target: this.name,
      name: info.name,
      description: text,
      remove: async () => {
        if (removed) return;
        removed = true;
        await this.client.removeToxic(this.name, info.name).catch((err: { status?: number }) => {
          if (err.status !== 404) throw err; // already gone (e.g. resetFaults): fine
        });
        this.emit({ type: 'fault_removed', ts: Date.now(), target: this.name, fault: info.name });
      },
    };
  }

  /** Takes the dependency down: the proxy stops listening and every open connection is closed. */
  async down(): Promise<FaultHandle> {
    await this.client.updateProxy(this.name, { enabled: false });
    this.emit({ type: 'fault_added', ts: Date.now(), target: this.name, fault: 'down', kind: 'down', description: 'down' });
    let removed = false;
    return {
      target: this.name,
      name: 'down',
      description: 'down',
      remove: async () => {
        if (removed) return;
        removed = true;
        await this.up();
      },
    };
  }

  /** Brings the dependency back (listening again on the same address). */
  async up(): Promise<void> {
    await this.client.updateProxy(this.name, { enabled: true });
    this.emit({ type: 'fault_removed', ts: Date.now(), target: this.name, fault: 'down' });
  }

  /** The toxics in effect on this dependency. */
  toxics(): Promise<ToxicInfo[]> {
    return this.client.listToxics(this.name);
  }

  async #freeName(base: string): Promise<string> {
    const taken = new Set((await this.client.listToxics(this.name)).map((t) => t.name));
    if (!taken.has(base)) return base;
    let name: string;
    do name = `${base}_${++this.#seq}`;
    while (taken.has(name));
    return name;
  }
}

/** Runs `body` with a fault in effect and always removes it afterwards, even when `body` throws. */
export async function withFault<T>(fault: Promise<FaultHandle> | (() => Promise<FaultHandle>), body: () => Promise<T>): Promise<T> {
  const handle = await (typeof fault === 'function' ? fault() : fault);
  try {
    return await body();
  } finally {
    await handle.remove();
  }
}
