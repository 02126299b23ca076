'use strict';
// The parent-death watchdog. agentup keeps our stdin open and tells us, one
// line at a time, which process groups, pids and directories it owns. When
// stdin closes without a `close` line, agentup is gone (even by SIGKILL): we
// SIGTERM everything, SIGKILL what is left after the grace period, remove the
// directories and exit. Plain CommonJS without dependencies, so it starts fast.
const fs = require('node:fs');

const graceMs = Number(process.argv[2] || 1500);
const groups = new Set();
const pids = new Set();
const dirs = new Set();
let closing = false;
let reaping = false;
let pending = '';

function signal(target, sig) {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

function targets() {
  return [...[...groups].map((g) => -g), ...pids];
}

function reap() {
  if (closing || reaping) return;
  reaping = true;
  for (const t of targets()) {
    signal(t, 'SIGTERM');
    // A paused (SIGSTOPped) replica only acts on SIGTERM once it runs again.
    signal(t, 'SIGCONT');
  }
  const deadline = Date.now() + graceMs;
  const timer = setInterval(() => {
    const left = targets().filter((t) => signal(t, 0));
    if (left.length > 0 && Date.now() < deadline) return;
    clearInterval(timer);
    for (const t of left) signal(t, 'SIGKILL');
    for (const d of dirs) {
      try {
        fs.rmSync(d, { recursive: true, force: true });
      } catch {
        // Nothing more we can do, and nobody left to tell.
      }
    }
    process.exit(0);
  }, 50);
}

function handle(line) {
  const space = line.indexOf(' ');
  const verb = space === -1 ? line : line.slice(0, space);
  const arg = space === -1 ? '' : line.slice(space + 1);
  if (verb === 'group') groups.add(Number(arg));
  else if (verb === 'ungroup') groups.delete(Number(arg));
  else if (verb === 'pid') pids.add(Number(arg));
  else if (verb === 'unpid') pids.delete(Number(arg));
  else if (verb === 'dir') dirs.add(arg);
  else if (verb === 'undir') dirs.delete(arg);
  else if (verb === 'close') {
    closing = true;
    process.exit(0);
  }
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl = pending.indexOf('\n');
  while (nl !== -1) {
    handle(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    nl = pending.indexOf('\n');
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
// We live in our own session, but a stray terminal signal must not stop the watch.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
