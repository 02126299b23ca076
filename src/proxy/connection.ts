import type { Socket } from 'node:net';
import { Link, type LinkHost, type ToxicEntry } from './link.ts';
import type { SeededRandom } from './random.ts';
import type { StreamDirection } from './types.ts';

/**
 * One accepted client and its upstream socket, joined by two links. The
 * connection index (accept order within the proxy) keys the random streams so
 * seeded runs repeat.
 */
export class Connection implements LinkHost {
  readonly upstream: Link;
  readonly downstream: Link;
  private closed = false;
  private socketsOpen = 2;

  constructor(
    readonly index: number,
    private readonly proxyName: string,
    private readonly client: Socket,
    private readonly server: Socket,
    private readonly seeded: SeededRandom,
    private readonly onGone: (connection: Connection) => void,
  ) {
    this.upstream = new Link('upstream', client, server, this);
    this.downstream = new Link('downstream', server, client, this);
    for (const [socket, reading] of [
      [client, this.upstream],
      [server, this.downstream],
    ] as const) {
      // A failed or reset socket ends the link that reads it; what is held is
      // still delivered to the other side, then the connection closes.
      socket.on('error', () => reading.sourceFailed());
      socket.once('close', () => {
        reading.sourceFailed();
        if (--this.socketsOpen === 0) this.gone();
      });
    }
  }

  start(upstreamToxics: readonly ToxicEntry[], downstreamToxics: readonly ToxicEntry[]): void {
    this.upstream.start(upstreamToxics);
    this.downstream.start(downstreamToxics);
    this.client.resume();
  }

  link(direction: StreamDirection): Link {
    return direction === 'upstream' ? this.upstream : this.downstream;
  }

  random(direction: StreamDirection, toxic: string, revision: number): () => number {
    return this.seeded.stream(this.proxyName, this.index, direction, toxic, revision);
  }

  recordRoll(direction: StreamDirection, toxic: ToxicEntry, applied: boolean): void {
    this.seeded.recordRoll({ proxy: this.proxyName, toxic: toxic.name, revision: toxic.revision, connection: this.index, stream: direction, toxicity: toxic.toxicity, applied });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // destroySoon: FIN after what is already queued for writing has gone out.
    this.client.destroySoon();
    this.server.destroySoon();
  }

  reset(): void {
    this.closed = true;
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (!this.server.destroyed) this.server.resetAndDestroy();
  }

  /** Disabling or deleting the proxy: close both sockets now, queued data or not. */
  destroy(): void {
    this.closed = true;
    this.client.destroy();
    this.server.destroy();
  }

  private gone(): void {
    this.upstream.dispose();
    this.downstream.dispose();
    this.onGone(this);
  }
}
