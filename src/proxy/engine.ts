import { apiErrors, ToxiproxyApiError } from './api-error.ts';
import type { ToxicEntry } from './link.ts';
import { Proxy } from './proxy.ts';
import { randomSeed, SeededRandom } from './random.ts';
import { findToxicKind } from './toxics/index.ts';
import type {
  ProxyInfo,
  ProxyInput,
  ProxyPatch,
  ProxyStats,
  StreamDirection,
  ToxicInfo,
  ToxicInput,
  ToxicPatch,
  ToxicityRoll,
} from './types.ts';

/** A populate that failed part way: `proxies` holds those applied before the error. */
export class PopulateError extends ToxiproxyApiError {
  constructor(
    cause: ToxiproxyApiError,
    readonly proxies: ProxyInfo[],
  ) {
    super(cause.status, cause.message, cause.hint);
  }
}

export function parseStream(stream: string): StreamDirection | undefined {
  const lower = stream.toLowerCase();
  return lower === 'upstream' || lower === 'downstream' ? lower : undefined;
}

/**
 * The in-process fault proxy (Toxiproxy's ProxyCollection and ToxicCollection):
 * proxies by name and their toxics. The HTTP API is a thin layer over it, and
 * agentup's runtime may call it directly. Errors are ToxiproxyApiError with
 * Toxiproxy's exact message and status.
 */
export class FaultEngine {
  readonly seed: number;
  private readonly proxies = new Map<string, Proxy>();
  private readonly seeded: SeededRandom;
  private revisions = 0;

  constructor(options: { seed?: number } = {}) {
    this.seed = options.seed ?? randomSeed();
    this.seeded = new SeededRandom(this.seed);
  }

  private proxy(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw apiErrors.proxyNotFound(name);
    return proxy;
  }

  /** Proxies sorted by name (Go marshals maps with sorted keys). */
  listProxies(): ProxyInfo[] {
    return [...this.proxies.keys()].sort().map((name) => this.info(this.proxies.get(name)!));
  }

  getProxy(name: string): ProxyInfo {
    return this.info(this.proxy(name));
  }

  async createProxy(input: ProxyInput): Promise<ProxyInfo> {
    if (!input.name) throw apiErrors.missingField('name');
    if (!input.upstream) throw apiErrors.missingField('upstream');
    if (this.proxies.has(input.name)) throw apiErrors.proxyAlreadyExists(input.name);
    const proxy = new Proxy(input.name, input.listen ?? '', input.upstream, this.seeded);
    if (input.enabled ?? true) await proxy.start();
    // Re-check: another create may have finished while this one was listening.
    if (this.proxies.has(input.name)) {
      await proxy.stop();
      throw apiErrors.proxyAlreadyExists(input.name);
    }
    this.proxies.set(input.name, proxy);
    return this.info(proxy);
  }

  /** Merges listen/upstream/enabled; a changed address restarts the listener. */
  async updateProxy(name: string, patch: ProxyPatch): Promise<ProxyInfo> {
    const proxy = this.proxy(name);
    const listen = patch.listen ?? proxy.listen;
    const upstream = patch.upstream ?? proxy.upstream;
    const enabled = patch.enabled ?? proxy.enabled;
    if (listen !== proxy.listen || upstream !== proxy.upstream) {
      const wasEnabled = proxy.enabled;
      await proxy.stop();
      proxy.listen = listen;
      proxy.upstream = upstream;
      if (wasEnabled && enabled) await proxy.start();
    }
    if (enabled && !proxy.enabled) await proxy.start();
    if (!enabled && proxy.enabled) await proxy.stop();
    return this.info(proxy);
  }

  async removeProxy(name: string): Promise<void> {
    const proxy = this.proxy(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /**
   * Creates or replaces many proxies. The whole list is checked first; a proxy
   * with the same listen and upstream as an existing one keeps the existing
   * proxy and its toxics; a different one replaces it.
   */
  async populate(inputs: ProxyInput[]): Promise<ProxyInfo[]> {
    inputs.forEach((input, i) => {
      if (!input.name) throw apiErrors.missingField(`name at proxy ${i + 1}`);
      if (!input.upstream) throw apiErrors.missingField(`upstream at proxy ${i + 1}`);
    });
    const applied: ProxyInfo[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.listen === (input.listen ?? '') && existing.upstream === input.upstream) {
        applied.push(this.info(existing));
        continue;
      }
      try {
        if (existing) await this.removeProxy(input.name);
        applied.push(await this.createProxy(input));
      } catch (err) {
        if (err instanceof ToxiproxyApiError) throw new PopulateError(err, applied);
        throw err;
      }
    }
    return applied;
  }

  /** Removes every toxic and enables every proxy. */
  async reset(): Promise<void> {
    for (const name of [...this.proxies.keys()].sort()) {
      const proxy = this.proxies.get(name)!;
      await proxy.start();
      for (const toxic of [...proxy.toxics.upstream, ...proxy.toxics.downstream]) proxy.removeToxic(toxic);
    }
  }

  listToxics(proxyName: string): ToxicInfo[] {
    const proxy = this.proxy(proxyName);
    return [...proxy.toxics.upstream, ...proxy.toxics.downstream].map(toxicInfo);
  }

  getToxic(proxyName: string, toxicName: string): ToxicInfo {
    const toxic = this.proxy(proxyName).findToxic(toxicName);
    if (!toxic) throw apiErrors.toxicNotFound(toxicName);
    return toxicInfo(toxic);
  }

  hasToxic(proxyName: string, toxicName: string): boolean {
    return this.proxy(proxyName).findToxic(toxicName) !== undefined;
  }

  addToxic(proxyName: string, input: ToxicInput): ToxicInfo {
    const proxy = this.proxy(proxyName);
    const stream = input.stream ?? 'downstream';
    const direction = parseStream(stream);
    if (!direction) throw apiErrors.invalidStream();
    const name = input.name || `${input.type}_${stream}`;
    const kind = findToxicKind(input.type);
    if (!kind) throw apiErrors.invalidToxicType(input.type);
    if (proxy.findToxic(name)) throw apiErrors.toxicAlreadyExists(name);
    const toxic: ToxicEntry = {
      name,
      kind,
      stream,
      direction,
      toxicity: Math.fround(input.toxicity ?? 1),
      attributes: attributesOf(kind.attributes, input.attributes ?? {}, {}),
      revision: this.revisions++,
    };
    proxy.addToxic(toxic);
    return toxicInfo(toxic);
  }

  /** Merges attributes; toxicity is kept when omitted; name, type and stream never change. */
  updateToxic(proxyName: string, toxicName: string, patch: ToxicPatch): ToxicInfo {
    const proxy = this.proxy(proxyName);
    const current = proxy.findToxic(toxicName);
    if (!current) throw apiErrors.toxicNotFound(toxicName);
    const toxic: ToxicEntry = {
      ...current,
      toxicity: Math.fround(patch.toxicity ?? current.toxicity),
      attributes: attributesOf(current.kind.attributes, patch.attributes ?? {}, current.attributes),
      revision: this.revisions++,
    };
    proxy.updateToxic(toxic);
    return toxicInfo(toxic);
  }

  removeToxic(proxyName: string, toxicName: string): void {
    const proxy = this.proxy(proxyName);
    const toxic = proxy.findToxic(toxicName);
    if (!toxic) throw apiErrors.toxicNotFound(toxicName);
    proxy.removeToxic(toxic);
  }

  /**
   * Every toxicity decision so far, sorted by proxy, toxic revision,
   * connection and direction: an order that depends on the seed and the
   * API calls only, not on which connection happened to roll first.
   */
  toxicityRolls(): ToxicityRoll[] {
    const order = (a: ToxicityRoll, b: ToxicityRoll) =>
      a.proxy.localeCompare(b.proxy) || a.revision - b.revision || a.connection - b.connection || a.stream.localeCompare(b.stream);
    return [...this.seeded.rolls].sort(order);
  }

  /** Byte and connection counters of one proxy, live. */
  stats(proxyName: string): ProxyStats {
    return this.proxy(proxyName).stats();
  }

  allStats(): ProxyStats[] {
    return [...this.proxies.keys()].sort().map((name) => this.proxies.get(name)!.stats());
  }

  /** Stops every proxy (listeners and connections) and forgets them. */
  async close(): Promise<void> {
    const all = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(all.map((proxy) => proxy.stop()));
  }

  private info(proxy: Proxy): ProxyInfo {
    return {
      name: proxy.name,
      listen: proxy.listen,
      upstream: proxy.upstream,
      enabled: proxy.enabled,
      toxics: [...proxy.toxics.upstream, ...proxy.toxics.downstream].map(toxicInfo),
    };
  }
}

function attributesOf(
  specs: ReadonlyArray<{ name: string }>,
  patch: Record<string, number>,
  base: Record<string, number>,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { name } of specs) {
    const value = patch[name] ?? base[name] ?? 0;
    result[name] = Number.isFinite(value) ? Math.trunc(value) : 0;
  }
  return result;
}

function toxicInfo(toxic: ToxicEntry): ToxicInfo {
  return {
    attributes: { ...toxic.attributes },
    name: toxic.name,
    type: toxic.kind.type,
    stream: toxic.stream,
    toxicity: toxic.toxicity,
  };
}
