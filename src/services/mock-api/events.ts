import type { JournalEntry } from './journal.ts';

export interface RateLimitedEvent {
  api: string;
  route: string;
  /** The rate limit's name. */
  limit: string;
  /** The scope key it counted against ('' for global; secret keys included, so do not log it raw). */
  key: string;
  retryAfterMs: number;
  atMs: number;
}

export interface FaultEvent {
  api: string;
  route: string | null;
  /** A fault kind, or `outage`. */
  kind: string;
  faultId: string;
  atMs: number;
}

export interface MockApiEventMap {
  request: JournalEntry;
  rate_limited: RateLimitedEvent;
  fault: FaultEvent;
}

export type MockApiEventName = keyof MockApiEventMap;

/**
 * A tiny typed emitter. `has()` lets the hot path skip building event objects
 * nobody listens to; a throwing listener cannot break a request.
 */
export class MockApiEvents {
  private readonly listeners: { [K in MockApiEventName]: Array<(e: MockApiEventMap[K]) => void> } = {
    request: [],
    rate_limited: [],
    fault: [],
  };

  on<K extends MockApiEventName>(event: K, listener: (e: MockApiEventMap[K]) => void): () => void {
    const list = this.listeners[event] as Array<(e: MockApiEventMap[K]) => void>;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  has(event: MockApiEventName): boolean {
    return this.listeners[event].length > 0;
  }

  emit<K extends MockApiEventName>(event: K, payload: MockApiEventMap[K]): void {
    for (const l of [...(this.listeners[event] as Array<(e: MockApiEventMap[K]) => void>)]) {
      try {
        l(payload);
      } catch {
        // A listener's bug must not turn into a failed request.
      }
    }
  }
}
