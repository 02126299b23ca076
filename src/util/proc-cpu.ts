import fs from 'node:fs';
import { processTree } from '../services/process-group.ts';

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `pid` and its descendants; 0 where /proc is not available. */
export function treeCpuSeconds(pid: number): number {
  if (process.platform !== 'linux') return 0;
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces), 1-based: utime is 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process exited between listing and reading.
    }
  }
  return ticks / TICKS_PER_SECOND;
}
