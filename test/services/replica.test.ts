import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { Replica } from '../../src/services/replica.ts';
import { LineSplitter, parseLogLine, type LogLine } from '../../src/services/log-lines.ts';
import { AgentupError } from '../../src/errors.ts';
import { baseEnv, FIXTURES, isAlive } from './service-fixtures.ts';

function procState(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe('log lines', () => {
  it('parses pino, winston-style and text lines', () => {
    expect(parseLogLine('{"level":50,"time":1,"msg":"db down","err":"ECONNREFUSED"}', 'api-1', 'stdout', 7)).toEqual({
      ts: 7, replica: 'api-1', stream: 'stdout', level: 'error', msg: 'db down', fields: { time: 1, err: 'ECONNREFUSED' },
      raw: '{"level":50,"time":1,"msg":"db down","err":"ECONNREFUSED"}',
    });
    expect(parseLogLine('{"level":"WARN","message":"slow"}', 'api-2', 'stderr', 1)).toMatchObject({ level: 'warn', msg: 'slow', fields: {} });
    expect(parseLogLine('plain {not json', 'api-1', 'stderr', 1)).toEqual({ ts: 1, replica: 'api-1', stream: 'stderr', msg: 'plain {not json', raw: 'plain {not json' });
    expect(parseLogLine('{"broken": ', 'api-1', 'stdout', 1).msg).toBe('{"broken": ');
    expect(parseLogLine('[1,2]', 'api-1', 'stdout', 1).fields).toBeUndefined();
  });

  it('splits chunks into lines, keeps partial lines, strips CR and cuts very long lines', () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l), 10);
    s.push('ab');
    s.push('c\r\nde');
    expect(out).toEqual(['abc']);
    s.push('f\n\n0123456789abcdefghijXY');
    expect(out).toEqual(['abc', 'def', '0123456789', 'abcdefghij']);
    s.flush();
    expect(out).toEqual(['abc', 'def', '0123456789', 'abcdefghij', 'XY']);
  });
});

describe('Replica', { timeout: 20_000 }, () => {
  const started: Replica[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.stop(500)));
  });

  it('captures stdout and stderr line by line, tagged with the replica', async () => {
    const lines: LogLine[] = [];
    const r = Replica.spawn({
      id: 'job-2',
      command: `echo '{"level":"info","msg":"hi","n":1}'; printf 'part'; sleep 0.05; printf 'ial\\n'; echo oops >&2; exit 4`,
      cwd: FIXTURES,
      env: baseEnv(),
      onLog: (l) => lines.push(l),
    });
    started.push(r);
    expect(await r.exited).toEqual({ code: 4, signal: null, exitCode: 4, reason: 'crashed' });
    await expect.poll(() => lines.length).toBe(3);
    const summary = lines.map((l) => [l.replica, l.stream, l.level, l.msg]).sort();
    expect(summary).toEqual([
      ['job-2', 'stderr', undefined, 'oops'],
      ['job-2', 'stdout', undefined, 'partial'],
      ['job-2', 'stdout', 'info', 'hi'],
    ]);
    expect(r.lastLines(1)).toHaveLength(1);
  });

  it('passes exactly the given env and runs exec form without a shell', async () => {
    const lines: string[] = [];
    const r = Replica.spawn({ id: 'x-1', command: ['/usr/bin/env'], cwd: FIXTURES, env: { ONLY: 'this' }, onLog: (l) => lines.push(l.msg) });
    started.push(r);
    expect((await r.exited).exitCode).toBe(0);
    await expect.poll(() => lines).toEqual(['ONLY=this']);
  });

  it('pauses and resumes the whole process group, and reports the kill reason', async () => {
    const r = Replica.spawn({ id: 'x-1', command: 'sleep 30 & sleep 30; wait', cwd: FIXTURES, env: baseEnv() });
    started.push(r);
    await expect.poll(() => fs.readFileSync(`/proc/${r.pid}/task/${r.pid}/children`, 'utf8').trim().split(' ').length).toBe(2);
    const kids = fs.readFileSync(`/proc/${r.pid}/task/${r.pid}/children`, 'utf8').trim().split(' ').map(Number);
    r.pause();
    // The children are what matters: the signal went past the shell to them.
    await expect.poll(() => kids.map(procState)).toEqual(['T', 'T']);
    r.resume();
    await expect.poll(() => kids.map(procState)).toEqual(['S', 'S']);
    r.kill('SIGKILL', 'oom_killed');
    expect(await r.exited).toEqual({ code: null, signal: 'SIGKILL', exitCode: 137, reason: 'oom_killed' });
    await expect.poll(() => kids.filter(isAlive)).toEqual([]);
  });

  it('stop() of a paused replica still ends it gracefully', async () => {
    const r = Replica.spawn({ id: 'x-1', command: ['sleep', '30'], cwd: FIXTURES, env: baseEnv() });
    r.pause();
    const t0 = Date.now();
    expect(await r.stop(3000)).toMatchObject({ signal: 'SIGTERM', reason: 'stopped' });
    // SIGTERM lands at once after SIGCONT; well under the 3s grace even on a busy machine.
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('throws a user error when the cwd does not exist', () => {
    expect(() => Replica.spawn({ id: 'x-1', command: 'true', cwd: '/nonexistent/agentup', env: baseEnv() })).toThrow(AgentupError);
    expect(() => Replica.spawn({ id: 'x-1', command: 'true', cwd: '/nonexistent/agentup', env: baseEnv() })).toThrow(
      /^could not start replica x-1: `true` in \/nonexistent\/agentup/,
    );
  });
});
