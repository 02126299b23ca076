import net from 'node:net';
import { joinHostPort, listenError, resolveListen, splitHostPort, type HostPort } from './address.ts';
import { Connection } from './connection.ts';
import type { ToxicEntry } from './link.ts';
import type { SeededRandom } from './random.ts';
import type { DirectionStats, ProxyStats, StreamDirection } from './types.ts';

/**
 * One proxy (Toxiproxy's Proxy): a listener on `listen` that dials `upstream`
 * for every client and joins the two with links. Toxics live here, per
 * direction, in the order they were added.
 */
export class Proxy {
  enabled = false;
  readonly toxics: Record<StreamDirection, ToxicEntry[]> = { upstream: [], downstream: [] };
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Accepted clients whose upstream is still being dialled. */
  private readonly pending = new Set<net.Socket>();
  private accepted = 0;
  private readonly finished: Record<StreamDirection, DirectionStats> = {
    upstream: { receivedBytes: 0, sentBytes: 0 },
    downstream: { receivedBytes: 0, sentBytes: 0 },
  };

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly seeded: SeededRandom,
  ) {}

  /** Listens; on success `listen` becomes the bound address (port 0 resolved). */
  async start(): Promise<void> {
    if (this.enabled) return;
    const address = await resolveListen(this.listen);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(address, err)));
      server.listen({ host: address.host, port: address.port, exclusive: true }, () => resolve());
    });
    server.on('error', () => {});
    const bound = server.address() as net.AddressInfo;
    this.server = server;
    this.listen = joinHostPort(bound.address, bound.port);
    this.enabled = true;
  }

  /** Closes the listener and every client and upstream socket; toxics are kept. */
  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server!;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const client of this.pending) client.destroy();
    this.pending.clear();
    for (const connection of this.connections) connection.destroy();
    await closed;
  }

  private accept(client: net.Socket): void {
    const index = this.accepted++;
    let target: HostPort;
    try {
      target = splitHostPort(this.upstream, 'dial tcp');
    } catch {
      client.destroy();
      return;
    }
    this.pending.add(client);
    client.on('error', () => {});
    const server = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    server.on('error', () => {});
    const fail = (): void => {
      this.pending.delete(client);
      server.destroy();
      client.destroy();
    };
    server.once('error', fail);
    client.once('close', fail);
    server.once('connect', () => {
      server.off('error', fail);
      client.off('close', fail);
      if (!this.pending.delete(client)) return fail();
      const connection = new Connection(index, this.name, client, server, this.seeded, (gone) => this.forget(gone));
      this.connections.add(connection);
      connection.start(this.toxics.upstream, this.toxics.downstream);
    });
  }

  private forget(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const direction of ['upstream', 'downstream'] as const) {
      const link = connection.link(direction);
      this.finished[direction].receivedBytes += link.receivedBytes;
      this.finished[direction].sentBytes += link.sentBytes;
    }
  }

  addToxic(toxic: ToxicEntry): void {
    this.toxics[toxic.direction].push(toxic);
    for (const connection of this.connections) connection.link(toxic.direction).addToxic(toxic);
  }

  updateToxic(toxic: ToxicEntry): void {
    const list = this.toxics[toxic.direction];
    list[list.findIndex((t) => t.name === toxic.name)] = toxic;
    for (const connection of this.connections) connection.link(toxic.direction).updateToxic(toxic);
  }

  removeToxic(toxic: ToxicEntry): void {
    const list = this.toxics[toxic.direction];
    list.splice(list.indexOf(toxic), 1);
    for (const connection of this.connections) connection.link(toxic.direction).removeToxic(toxic.name);
  }

  findToxic(name: string): ToxicEntry | undefined {
    return this.toxics.upstream.find((t) => t.name === name) ?? this.toxics.downstream.find((t) => t.name === name);
  }

  stats(): ProxyStats {
    const live = (direction: StreamDirection): DirectionStats => {
      const total = { ...this.finished[direction] };
      for (const connection of this.connections) {
        total.receivedBytes += connection.link(direction).receivedBytes;
        total.sentBytes += connection.link(direction).sentBytes;
      }
      return total;
    };
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      upstreamBytes: live('upstream'),
      downstreamBytes: live('downstream'),
      connectionsOpen: this.connections.size,
      connectionsTotal: this.accepted,
    };
  }
}
