import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Journal } from './journal.ts';
import { junitXml } from './junit.ts';
import { reportHtml } from './report-html.ts';

/** Writes journal.json, junit.xml and report.html into `dir` (created if needed); returns their paths. */
export async function writeReport(dir: string, journal: Journal): Promise<{ journal: string; junit: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const files = { journal: path.join(dir, 'journal.json'), junit: path.join(dir, 'junit.xml'), html: path.join(dir, 'report.html') };
  await writeFile(files.journal, `${JSON.stringify(journal, null, 2)}\n`);
  await writeFile(files.junit, junitXml(journal));
  await writeFile(files.html, reportHtml(journal));
  return files;
}
