/**
 * When the load balancer replays a failed request on another replica, and the
 * copy of the request body that makes the replay possible. Modelled on
 * Envoy's `retry_on: connect-failure,reset` with a per-request buffer limit:
 * a body bigger than the cap is streamed through uncopied and never retried.
 */
import type net from 'node:net';
import type { LoadBalancerRetries, LoadBalancerRetryOn } from '../config/types.ts';

/** Why a request failed before any response byte. `bad_response` is only retried by the default policy. */
export type RetryReason = LoadBalancerRetryOn | 'bad_response';
export type RetryCounts = Record<RetryReason, number>;

export interface RetryPolicy {
  attempts: number;
  on: ReadonlySet<RetryReason>;
  maxBodyBytes: number;
}

export const DEFAULT_RETRY_MAX_BODY_BYTES = 64 * 1024;

/** Null keeps the built-in default: a request without a body is retried once, whatever failed. */
export function retryPolicy(options: Partial<LoadBalancerRetries> | null | undefined): RetryPolicy | null {
  if (options === null || options === undefined) return null;
  return {
    attempts: options.attempts ?? 1,
    on: new Set(options.on ?? ['refused', 'reset']),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_RETRY_MAX_BODY_BYTES,
  };
}

export function emptyRetryCounts(): RetryCounts {
  return { refused: 0, reset: 0, bad_response: 0 };
}

/**
 * `refused` when the connection never opened (the request cannot have
 * reached the replica), `reset` when it opened and then died before any
 * response byte (the replica may have acted on the request).
 */
export function retryReason(connected: boolean, badResponse: boolean): RetryReason {
  if (badResponse) return 'bad_response';
  return connected ? 'reset' : 'refused';
}

/** Whether a request that failed for `reason`, retried `done` times so far, may go to another replica. */
export function mayRetry(policy: RetryPolicy | null, reason: RetryReason, done: number, hasBody: boolean, bodyKept: boolean): boolean {
  if (policy === null) return done === 0 && !hasBody;
  return done < policy.attempts && policy.on.has(reason) && (!hasBody || bodyKept);
}

/**
 * The request body bytes sent so far, kept until the response starts. Parts
 * are the client's own read buffers (never reused by Node), so keeping one
 * is a reference, not a copy.
 */
export class BodyCopy {
  #parts: Buffer[] | null = [];
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** False once the body outgrew the cap: it can no longer be replayed. */
  get kept(): boolean {
    return this.#parts !== null;
  }

  add(part: Buffer): void {
    if (this.#parts === null) return;
    this.#bytes += part.length;
    if (this.#bytes > this.maxBytes) this.#parts = null;
    else this.#parts.push(part);
  }

  replay(socket: net.Socket): void {
    for (const part of this.#parts ?? []) socket.write(part);
  }

  /** The response has started: a retry is no longer possible. */
  drop(): void {
    this.#parts = null;
  }
}
