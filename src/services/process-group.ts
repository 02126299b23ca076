/**
 * Process-group helpers. Every replica leads its own process group (spawned
 * detached), so one signal to `-pgid` reaches the shell and the real program
 * behind `/bin/sh -c` alike, and the group is what we wait on and measure.
 */
import fs from 'node:fs';

/** Sends `signal` to every process of the group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `state ppid pgrp` from /proc/<pid>/stat; the command name may hold spaces and parens. */
function readStat(pid: number): { state: string; ppid: number; pgrp: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0] ?? '?', ppid: Number(rest[1]), pgrp: Number(rest[2]) };
}

/** True while `pid` runs; a zombie (dead, not yet reaped) counts as gone. */
export function isProcessAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Live (non-zombie) members of a process group, by scanning /proc. A zombie
 * is dead already; counting it would make a stop wait for init to reap it.
 */
export function listGroupPids(pgid: number): number[] {
  if (process.platform !== 'linux') return signalGroup(pgid, 0) ? [pgid] : [];
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') pids.push(pid);
  }
  return pids;
}

/** The pid and its descendants, walking /proc/<pid>/task/<pid>/children (cheap, no full scan). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length > 0 && out.length < 10_000) {
    const next = todo.pop()!;
    out.push(next);
    let children = '';
    try {
      children = fs.readFileSync(`/proc/${next}/task/${next}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of children.split(' ')) if (c.trim() !== '') todo.push(Number(c));
  }
  return out;
}

/** Waits until the group has no live member; false on timeout. */
export async function waitGroupGone(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (listGroupPids(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
