import net from 'node:net';
import { AgentupError } from '../errors.ts';
import type { ServerProcess } from './server-process.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt: connect, send `request`, resolve true if the first reply starts with `expect`. */
export function probeTcp(port: number, request: string, expect: string, timeoutMs = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\n')) done(reply.startsWith(expect));
    });
  });
}

export interface WaitReadyOptions {
  /** Shown in the timeout error: `redis on 127.0.0.1:6380`. */
  target: string;
  timeoutMs: number;
  intervalMs: number;
  server: ServerProcess;
  check: () => Promise<boolean>;
  /** Turns an exit during start-up into the error to throw. */
  onEarlyExit: () => Error;
}

/**
 * Polls `check` until it passes. Fails fast when the server exits, and after
 * `timeoutMs` with an error quoting the target and the timeout.
 */
export async function waitReady(options: WaitReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.server.exitInfo) throw options.onEarlyExit();
    if (await options.check()) return;
    if (options.server.exitInfo) throw options.onEarlyExit();
    if (Date.now() >= deadline) {
      throw new AgentupError(`${options.target} not ready after ${options.timeoutMs}ms`, {
        hint: 'the machine may be overloaded; raise the start-up timeout or look at the server log above',
      });
    }
    await sleep(options.intervalMs);
  }
}
