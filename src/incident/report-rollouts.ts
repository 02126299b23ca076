import type { Journal } from './journal.ts';
import type { RolloutResult } from '../sim/rollout/types.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function rolloutTable(r: RolloutResult, i: number): string {
  const versions = [r.from, r.to];
  const head = versions.map((v) => `<th>${esc(v)} requests</th><th>${esc(v)} errors</th><th>${esc(v)} p99</th>`).join('');
  const rows = r.steps.map((s) => {
    const cells = versions.map((v) => {
      const f = s.analysis?.versions[v];
      return f ? `<td>${f.requests}</td><td>${pct(f.errorRate)}</td><td>${Math.round(f.p99Ms)}ms</td>` : '<td></td><td></td><td></td>';
    }).join('');
    const decision = s.analysis === null ? 'not analysed (ended by hand)' : s.analysis.passed ? 'passed' : `failed: ${s.analysis.reason ?? ''}`;
    const cls = s.analysis === null ? '' : s.analysis.passed ? 'ok' : 'bad';
    return `<tr><td>${s.index}</td><td>${s.weight}%</td><td>${(s.startMs / 1000).toFixed(1)}s–${((s.endMs ?? s.startMs) / 1000).toFixed(1)}s</td>${cells}<td class="${cls}">${esc(decision)}</td></tr>`;
  }).join('');
  return `<p class="meta">rollout ${i + 1}: ${esc(r.strategy)} of ${esc(r.service)} from ${esc(r.from)} to ${esc(r.to)} · <strong>${r.outcome === 'promoted' ? 'promoted' : 'rolled back'}</strong> after ${(r.durationMs / 1000).toFixed(1)}s: ${esc(r.reason)}</p>
<table class="rollout"><tr><th>step</th><th>to ${esc(r.to)}</th><th>time</th>${head}<th>decision</th></tr>${rows}</table>`;
}

/** The report's rollout section: each step with both versions' figures and the decision; empty without rollouts. */
export function rolloutsHtml(journal: Journal): string {
  const rollouts = journal.rollouts ?? [];
  return rollouts.length === 0 ? '' : `<h2>Rollouts</h2>\n${rollouts.map(rolloutTable).join('\n')}`;
}
