export interface RouteCounters {
  requests: number;
  byStatus: Record<number, number>;
  rateLimited: number;
  faults: number;
}

/** A snapshot; `byStatus[0]` counts requests answered with no HTTP response (empty reply, reset). */
export interface MockApiCounters {
  requests: number;
  byStatus: Record<number, number>;
  rateLimited: number;
  /** Refusals per rate limit name. */
  rateLimitedBy: Record<string, number>;
  faultsFired: number;
  /** Per fault kind, plus `outage`. */
  faultsByKind: Record<string, number>;
  /** Requests that matched no route (404/405). */
  unmatched: number;
  routes: Record<string, RouteCounters>;
}

export class CounterSet {
  private c: MockApiCounters = CounterSet.empty();

  static empty(): MockApiCounters {
    return { requests: 0, byStatus: {}, rateLimited: 0, rateLimitedBy: {}, faultsFired: 0, faultsByKind: {}, unmatched: 0, routes: {} };
  }

  count(route: string | null, status: number): void {
    const c = this.c;
    c.requests++;
    c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
    if (route === null) {
      c.unmatched++;
      return;
    }
    const r = this.route(route);
    r.requests++;
    r.byStatus[status] = (r.byStatus[status] ?? 0) + 1;
  }

  rateLimited(route: string, limit: string): void {
    this.c.rateLimited++;
    this.c.rateLimitedBy[limit] = (this.c.rateLimitedBy[limit] ?? 0) + 1;
    this.route(route).rateLimited++;
  }

  fault(route: string | null, kind: string): void {
    this.c.faultsFired++;
    this.c.faultsByKind[kind] = (this.c.faultsByKind[kind] ?? 0) + 1;
    if (route !== null) this.route(route).faults++;
  }

  private route(name: string): RouteCounters {
    return (this.c.routes[name] ??= { requests: 0, byStatus: {}, rateLimited: 0, faults: 0 });
  }

  snapshot(): MockApiCounters {
    return structuredClone(this.c);
  }

  reset(): void {
    this.c = CounterSet.empty();
  }
}
