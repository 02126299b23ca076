/**
 * RSS and CPU of replica containers from Docker's stats API (one-shot, so
 * no second sample is awaited), polled in the background because
 * `sample()` is synchronous.
 */
import type { ContainerSupervisor } from './container-supervisor.ts';

interface Reading {
  rssBytes: number;
  cpuSeconds: number;
}

interface StatsBody {
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
}

export class ContainerStats {
  #readings = new Map<string, Reading>();
  #timer: NodeJS.Timeout | null = null;
  #busy = false;

  start(supervisors: ContainerSupervisor[], everyMs = 1000): void {
    const poll = async (): Promise<void> => {
      if (this.#busy) return;
      this.#busy = true;
      try {
        await Promise.all(supervisors.flatMap((s) => s.replicas().map(async (r) => {
          if (r.pid === null) return;
          const container = s.containerOf(r.index);
          if (!container) return;
          const body = (await container.stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as StatsBody;
          const mem = body.memory_stats ?? {};
          // Page cache is reclaimable; RSS is what the OOM killer counts (cgroup v1: total_inactive_file, v2: inactive_file).
          const inactive = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
          this.#readings.set(r.id, { rssBytes: Math.max(0, (mem.usage ?? 0) - inactive), cpuSeconds: (body.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9 });
        }).map((p) => p.catch(() => undefined))));
      } finally {
        this.#busy = false;
      }
    };
    void poll();
    this.#timer = setInterval(() => void poll(), everyMs);
    this.#timer.unref();
  }

  rssBytes(id: string): number {
    return this.#readings.get(id)?.rssBytes ?? 0;
  }

  cpuSeconds(id: string): number {
    return this.#readings.get(id)?.cpuSeconds ?? 0;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
