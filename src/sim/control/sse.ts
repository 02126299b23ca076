import type { ServerResponse } from 'node:http';

/** A client that stops reading is dropped once this much is queued for it, so it cannot grow our memory. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** One server-sent-events response. */
export class SseStream {
  #closed = false;

  constructor(private readonly res: ServerResponse, onClose: () => void) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.flushHeaders();
    res.on('close', () => {
      this.#closed = true;
      onClose();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(event: string, data: unknown, id?: number): void {
    if (this.#closed) return;
    // JSON never contains a raw newline, so one data line carries it whole.
    this.res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (this.res.writableLength > MAX_QUEUED_BYTES) this.res.destroy();
  }

  /** A comment line: keeps idle connections clear of client body timeouts. */
  ping(): void {
    if (!this.#closed) this.res.write(': ping\n\n');
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.res.end();
  }
}
