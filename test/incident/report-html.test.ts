import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/incident/journal.ts';
import { loadIncidentFromText } from '../../src/incident/load-incident.ts';
import { runIncident } from '../../src/incident/run-incident.ts';
import { writeReport } from '../../src/incident/write-report.ts';
import { TINY_FILE, TINY_INCIDENT } from './support/tiny-incident.ts';

/**
 * report.html from a real replay, rendered by headless Chromium (Debian's
 * `chromium` package): a screenshot that is more than a blank page, and a
 * DOM in which the three charts, their fault shading and the verdicts exist.
 * The page must need no network, so Chromium runs with networking features off.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

function chromium(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chromium took over ${timeoutMs}ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', { timeout: 120_000 }, () => {
  let dir: string;
  let journal: Journal;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'agentup-report-test-'));
    const { incident } = await loadIncidentFromText(TINY_FILE, TINY_INCIDENT, { env: { PATH: process.env.PATH } });
    journal = await runIncident(incident, { env: { PATH: process.env.PATH } });
    await writeReport(dir, journal);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const flags = () => ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, `profile-${Math.random()}`)}`];
  const page = () => pathToFileURL(path.join(dir, 'report.html')).href;

  it('is self-contained: no script, stylesheet or image from anywhere', () => {
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/);
  });

  it('renders the charts, the fault windows, the objective lines and every verdict', async () => {
    const { code, stdout } = await chromium([...flags(), '--dump-dom', page()]);
    expect(code).toBe(0);
    for (const id of ['chart-throughput', 'chart-latency', 'chart-errors']) expect(stdout).toContain(`id="${id}"`);
    const series = stdout.match(/<path class="series"[^>]* d="M[^"]+"/g) ?? [];
    expect(series.length).toBe(4); // requests/s, p50, p99, errors %
    for (const d of series) expect(d.split('L').length, 'a line needs several seconds of points').toBeGreaterThan(3);
    // Two faults, shaded on each of the three charts.
    expect(stdout.match(/<rect class="fault"/g)?.length).toBe(journal.faults.length * 3);
    expect(stdout).toMatch(/class="objective"/);
    expect(stdout.match(/<tr class="verdict">/g)?.length).toBe(journal.objectives.length);
    expect(stdout).toContain(`id="outcome">${journal.outcome.toUpperCase()}`);
  });

  it('screenshots to a page that is not blank', async () => {
    const png = path.join(dir, 'report.png');
    const { code } = await chromium([...flags(), `--screenshot=${png}`, '--window-size=1280,2000', page()]);
    expect(code).toBe(0);
    // A blank 1280x2000 PNG compresses to a few KB; charts and tables make it far larger.
    expect(statSync(png).size).toBeGreaterThan(40_000);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.KEEP_REPORT_PNG) await import('node:fs/promises').then((fs) => fs.copyFile(png, process.env.KEEP_REPORT_PNG!));
  });
});
