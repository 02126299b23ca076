/**
 * Memory accounting for a replica, the way a cgroup would see it: the sum of
 * the resident set of the process and everything it started.
 */
import fs from 'node:fs';
import { processTree } from './process-group.ts';

function vmRssBytes(pid: number): number {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Resident bytes of `pid` and its descendants; 0 where /proc is unavailable. */
export function treeRssBytes(pid: number): number {
  if (process.platform !== 'linux') return 0;
  let total = 0;
  for (const p of processTree(pid)) total += vmRssBytes(p);
  return total;
}

export interface OomWatchOptions {
  pid: number;
  limitBytes: number;
  /** How often RSS is sampled; a fast leak can overshoot by one period's growth. */
  pollMs?: number;
  onSample?: (rssBytes: number) => void;
  onExceeded: (rssBytes: number) => void;
}

/** Polls RSS and calls `onExceeded` once when it passes the limit. Returns a stop function. */
export function watchMemory(options: OomWatchOptions): () => void {
  const { pid, limitBytes, pollMs = 200 } = options;
  let stopped = false;
  const timer = setInterval(() => {
    const rss = treeRssBytes(pid);
    options.onSample?.(rss);
    if (rss > limitBytes && !stopped) {
      stop();
      options.onExceeded(rss);
    }
  }, pollMs);
  timer.unref();
  function stop(): void {
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
