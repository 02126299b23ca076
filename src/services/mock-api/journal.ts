import type { IncomingHttpHeaders } from 'node:http';

/** One answered request, as tests and the UI read it. */
export interface JournalEntry {
  id: number;
  /** Wall-clock arrival time, the same instant rate limits used. */
  atMs: number;
  method: string;
  /** Path with query string. */
  path: string;
  route: string | null;
  /** Secret headers show as `***`. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, raw text, or null for no body. */
  body: unknown;
  status: number;
  latencyMs: number;
  /** What answered: `responses[1]`, `rate_limit:rpm`, `fault:api.faults[0]`, `outage`, `auth`, `not_found`... */
  rule: string;
  clientAddress: string;
}

export interface RawEntry extends Omit<JournalEntry, 'headers'> {
  headers: IncomingHttpHeaders;
}

/**
 * A fixed-size ring: recording keeps a reference to the request's own header
 * object and masks secrets only when someone reads, to keep the hot path cheap.
 */
export class Journal {
  private ring: RawEntry[] = [];
  private next = 0;

  constructor(
    private readonly size: number,
    private readonly secretHeaders: ReadonlySet<string>,
  ) {}

  record(entry: RawEntry): void {
    if (this.size === 0) return;
    if (this.ring.length < this.size) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.size;
  }

  /** Oldest first; `limit` keeps the newest N. */
  read(limit?: number): JournalEntry[] {
    const ordered = this.ring.length < this.size ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const picked = limit !== undefined ? ordered.slice(Math.max(0, ordered.length - limit)) : ordered;
    return picked.map((e) => this.mask(e));
  }

  clear(): void {
    this.ring = [];
    this.next = 0;
  }

  mask(entry: RawEntry): JournalEntry {
    const headers: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(entry.headers)) headers[k] = this.secretHeaders.has(k) ? '***' : v;
    return { ...entry, headers };
  }
}
