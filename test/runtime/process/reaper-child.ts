// Stands in for agentup in the reaper test: starts a reaper, a detached
// `sleep`, a supervised fixture service and a temp dir, prints what it owns as
// one JSON line, then waits to be killed (or closes cleanly with MODE=close).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReaper } from '../../../src/runtime/process/reaper.ts';
import { ServiceSupervisor } from '../../../src/services/supervisor.ts';
import { baseEnv, freePorts, service } from '../../services/service-fixtures.ts';

const reaper = await startReaper({ graceMs: 1000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentup-reaper-test-'));
fs.writeFileSync(path.join(dir, 'data'), 'x');
reaper.trackDir(dir);
const sleeper = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
reaper.trackGroup(sleeper.pid!);
// One replica paused with SIGSTOP: the watchdog must still get rid of it.
const sup = new ServiceSupervisor({ service: service({ command: ['/bin/sh', '-c', `exec "${process.execPath}" "$HELLO"`] }), ports: await freePorts(2), env: baseEnv({ HELLO: path.resolve('fixtures/services/hello.js') }), tracker: reaper });
await sup.start();
sup.pause(1);
const pids = [sleeper.pid!, ...sup.replicas().map((r) => r.pid!)];
console.log(JSON.stringify({ pids, dir, watchdog: reaper.pid }));
if (process.env.MODE === 'close') {
  await reaper.close();
  console.log('closed');
} else {
  setInterval(() => {}, 1000);
}
