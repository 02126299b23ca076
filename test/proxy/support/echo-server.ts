import net from 'node:net';

/** A TCP echo server on 127.0.0.1 that tracks its sockets so close() leaves nothing behind. */
export interface EchoServer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startEchoServer(
  onConnection?: (socket: net.Socket) => void,
): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    if (onConnection) onConnection(socket);
    else socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Connects to 127.0.0.1:port and resolves once connected. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Reads until `bytes` bytes arrived (or the socket ends/fails); resolves with what came. */
export function readBytes(socket: net.Socket, bytes: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= bytes) done();
    };
    const onEnd = (): void => done();
    const onError = (err: Error): void => done(err);
    const timer = setTimeout(() => done(new Error(`only ${size} of ${bytes} bytes after ${timeoutMs}ms`)), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
  });
}

/** Resolves when the socket is closed by the peer: 'end' or an error code such as ECONNRESET. */
export function waitForClose(socket: net.Socket, timeoutMs = 10_000): Promise<{ how: string; afterMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs}ms`)), timeoutMs);
    socket.resume();
    socket.once('end', () => {
      clearTimeout(timer);
      resolve({ how: 'end', afterMs: performance.now() - started });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ how: err.code ?? err.message, afterMs: performance.now() - started });
    });
  });
}
