/**
 * Paced HTTP load for rollout tests: `rate` requests per second to one URL
 * until stopped or `maxMs` (bounded either way), counting answers by status
 * and by the version that served them (X-Agentup-Version).
 */
import http from 'node:http';

export interface LoadTally {
  sent: number;
  answered: number;
  /** Connection errors and status >= 500. */
  failed: number;
  byVersion: Record<string, number>;
  failedByVersion: Record<string, number>;
  errors: string[];
}

export function request(url: string, agent: http.Agent): Promise<{ status: number; version: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, version: String(res.headers['x-agentup-version'] ?? '') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export function steadyLoad(url: string, rate: number, maxMs: number): { tally: LoadTally; stop: () => Promise<LoadTally> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const tally: LoadTally = { sent: 0, answered: 0, failed: 0, byVersion: {}, failedByVersion: {}, errors: [] };
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  const tick = setInterval(() => {
    // Catch up to the schedule, so a busy event loop does not lower the rate.
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (tally.sent < due) {
      tally.sent += 1;
      const p = request(url, agent).then(
        (r) => {
          tally.answered += 1;
          tally.byVersion[r.version] = (tally.byVersion[r.version] ?? 0) + 1;
          if (r.status >= 500) {
            tally.failed += 1;
            tally.failedByVersion[r.version] = (tally.failedByVersion[r.version] ?? 0) + 1;
          }
        },
        (err: Error) => {
          tally.failed += 1;
          tally.errors.push(err.message);
        },
      );
      const tracked = p.finally(() => pending.delete(tracked));
      pending.add(tracked);
    }
  }, 10);
  const limit = setTimeout(() => clearInterval(tick), maxMs);
  return {
    tally,
    stop: async () => {
      clearInterval(tick);
      clearTimeout(limit);
      await Promise.all([...pending]);
      agent.destroy();
      return tally;
    },
  };
}
