/**
 * One keep-alive HTTP/1.1 connection on a raw socket, one request at a time:
 * the engine writes prebuilt request bytes and a small parser reads the
 * answer (response-parser.ts). No per-request closures, promises or
 * timers: the socket's listeners are bound once, and the engine's sweep
 * destroys a connection whose request timed out.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ResponseParser } from './response-parser.ts';

/** The peer closed the connection before a complete answer; counted as econnreset. */
export class SocketClosedError extends Error {
  readonly code = 'AGENTUP_SOCKET_CLOSED';
}

export interface Target {
  host: string;
  port: number;
  tls: boolean;
}

export interface ConnectionOwner {
  onConnect(conn: HttpConnection): void;
  /** A complete answer; `reusable` false when the connection closes after it. */
  onResponse(conn: HttpConnection, status: number, reusable: boolean): void;
  /** The connection is gone: `err` fails its request, null when it was idle. */
  onClosed(conn: HttpConnection, err: Error | null): void;
}

/** Without a keep-alive hint from the server, idle connections are trusted this long. */
const DEFAULT_KEEP_ALIVE_MS = 30_000;
/** Stop reusing a connection this long (at most half the hint) before the server's announced idle timeout, as undici does. */
const KEEP_ALIVE_MARGIN_MS = 1000;

export class HttpConnection {
  readonly #socket: net.Socket;
  readonly #parser = new ResponseParser();
  readonly #owner: ConnectionOwner;
  busy = false;
  connecting = true;
  dead = false;
  idleSinceMs = 0;
  keepAliveMs = DEFAULT_KEEP_ALIVE_MS;
  /** The engine's request on this connection. */
  exchange: unknown = null;

  constructor(target: Target, owner: ConnectionOwner) {
    this.#owner = owner;
    this.#socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host })
      : net.connect({ host: target.host, port: target.port, noDelay: true });
    if (target.tls) this.#socket.setNoDelay(true);
    this.#socket.once(target.tls ? 'secureConnect' : 'connect', this.#onConnect);
    this.#socket.on('data', this.#onData);
    this.#socket.on('end', this.#onEnd);
    this.#socket.on('error', this.#die);
    this.#socket.on('close', this.#onClose);
  }

  /** Writes a request; net.Socket holds it until the connect completes. */
  send(bytes: Buffer, noBody: boolean): void {
    this.#parser.expect(noBody);
    this.busy = true;
    this.#socket.write(bytes);
  }

  /** Closes the connection; a request on it fails with `err`. */
  destroy(err: Error | null = null): void {
    this.#die(err ?? undefined);
  }

  #onConnect = (): void => {
    this.connecting = false;
    this.#owner.onConnect(this);
  };

  #onData = (chunk: Buffer): void => {
    if (!this.busy) return this.#die(new SocketClosedError('data from the server while no request was waiting'));
    let complete: boolean;
    try {
      complete = this.#parser.feed(chunk);
    } catch (err) {
      return this.#die(err as Error);
    }
    if (complete) this.#complete();
  };

  #complete(): void {
    const parser = this.#parser;
    this.busy = false;
    if (parser.keepAliveTimeoutS > 0) {
      const hintMs = parser.keepAliveTimeoutS * 1000;
      this.keepAliveMs = hintMs - Math.min(KEEP_ALIVE_MARGIN_MS, hintMs / 2);
    }
    if (!parser.keepAlive) {
      this.dead = true;
      this.#socket.destroy();
    }
    this.#owner.onResponse(this, parser.status, parser.keepAlive);
  }

  #onEnd = (): void => {
    if (this.busy && this.#parser.finishOnEof()) this.#complete();
    this.#die();
  };

  #onClose = (): void => this.#die();

  #die = (err?: Error): void => {
    if (this.dead) return;
    this.dead = true;
    this.#socket.destroy();
    const wasBusy = this.busy;
    this.busy = false;
    this.#owner.onClosed(this, wasBusy ? (err ?? new SocketClosedError('the server closed the connection before a complete answer')) : null);
  };
}
