import type { Journal, ObjectiveResult } from './journal.ts';
import { lineChart, type ChartSpec } from './report-chart.ts';
import { rolloutsHtml } from './report-rollouts.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)}s` : `${Math.round(v)}ms`);
const seconds = (t: number) => `${t < 0 ? '-' : ''}${(Math.abs(t) / 1000).toFixed(1)}s`;

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:28px 0 8px}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
.passed{background:#1f883d}.failed{background:#cf222e}.error{background:#9a6700}
.meta{color:#57606a}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
td.ok{color:#1f883d;font-weight:600}td.bad{color:#cf222e;font-weight:600}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto;background:#fafbfc;border:1px solid #e1e4e8}
.chart .title{font-weight:600;font-size:14px}.chart .axis{font-size:11px;fill:#57606a}
.chart .grid{stroke:#e1e4e8}.chart .fault{fill:#cf222e;fill-opacity:.12}
.chart .series{fill:none;stroke-width:2}.chart .objective{stroke-dasharray:6 4;stroke-width:1.5}
.chart .objective-label{font-size:11px}.legend-fault{display:inline-block;width:14px;height:10px;background:#cf222e33}
`;

function objectiveLines(journal: Journal, metric: string, scale: number, color: string): ChartSpec['lines'] {
  return journal.objectives
    .filter((o) => o.metric === metric && o.threshold !== undefined && (o.scope === 'overall' || o.scope === 'phase'))
    .map((o) => ({ y: o.threshold! * scale, label: `${o.scope === 'overall' ? 'overall' : o.name}: ${o.text}`, color }));
}

function verdictRow(o: ObjectiveResult): string {
  return `<tr class="verdict"><td class="${o.passed ? 'ok' : 'bad'}">${o.passed ? 'PASS' : 'FAIL'}</td><td>${esc(o.scope)}</td><td>${esc(o.name)}</td><td>${esc(o.text)}</td><td>${esc(o.detail)}</td></tr>`;
}

/** report.html: one self-contained page (inline CSS and SVG, no script, no network). */
export function reportHtml(journal: Journal): string {
  const s = journal.series;
  const xMaxMs = Math.max(journal.incident.totalMs, ...s.map((p) => p.tMs));
  const shades = journal.faults.map((f) => ({ fromMs: f.startMs, toMs: f.endMs ?? xMaxMs, label: `${f.name}: ${f.target} ${f.description}` }));
  const charts = [
    lineChart({ id: 'chart-throughput', title: 'Throughput (requests/s at the load balancer)', unit: '/s', xMaxMs, shades, format: (v) => `${v.toFixed(0)}/s`,
      series: [{ name: 'requests/s', color: '#0969da', points: s.map((p) => [p.tMs, p.rps]) }],
      lines: objectiveLines(journal, 'rate', 1, '#8250df') }),
    lineChart({ id: 'chart-latency', title: 'Latency percentiles', unit: 'ms', xMaxMs, shades, format: ms,
      series: [{ name: 'p50', color: '#1f883d', points: s.map((p) => [p.tMs, p.p50Ms]) }, { name: 'p99', color: '#bf3989', points: s.map((p) => [p.tMs, p.p99Ms]) }],
      lines: [...objectiveLines(journal, 'p99', 1, '#bf3989'), ...objectiveLines(journal, 'p50', 1, '#1f883d')] }),
    lineChart({ id: 'chart-errors', title: 'Error rate', unit: '%', xMaxMs, shades, format: (v) => `${v.toFixed(1)}%`,
      series: [{ name: 'errors %', color: '#cf222e', points: s.map((p) => [p.tMs, p.errorRate * 100]) }],
      lines: objectiveLines(journal, 'error_rate', 100, '#cf222e') }),
  ];
  const phases = journal.phases.map((p) => `<tr><td>${esc(p.name)}</td><td>${seconds(p.startMs)}–${seconds(p.endMs)}</td><td>${p.sent}</td><td>${p.ok}</td><td>${p.failed}</td><td>${p.dropped}</td><td>${p.requestedRate.toFixed(1)}/s</td><td>${p.goodputRate.toFixed(1)}/s</td><td>${ms(p.latency.p50Ms)}</td><td>${ms(p.latency.p99Ms)}</td></tr>`);
  const timeline = [
    ...journal.steps.map((st) => ({ tMs: st.tMs, text: `step: ${st.description}${st.ok ? '' : ` (failed: ${st.error})`}` })),
    ...journal.rollbacks.map((r) => ({ tMs: r.tMs, text: `rollback: ${r.description}${r.ok ? '' : ` (failed: ${r.error})`}` })),
    ...journal.events.filter((e) => e.tMs >= 0 && !e.type.startsWith('component_')).map((e) => ({ tMs: e.tMs, text: e.text })),
  ].sort((a, b) => a.tMs - b.tMs);
  const passed = journal.objectives.filter((o) => o.passed).length;
  const inc = journal.incident;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentup incident ${esc(inc.name)}: ${journal.outcome}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(inc.name)} <span class="badge ${journal.outcome}" id="outcome">${journal.outcome.toUpperCase()}</span></h1>
<p>${esc(inc.description)}</p>
<p class="meta">environment ${esc(inc.environment)} · seed ${inc.seed} · time scale ${inc.timeScale} · ${passed} of ${journal.objectives.length} objectives held · ${new Date(journal.startedAt).toISOString()}${journal.error ? ` · error: ${esc(journal.error)}` : ''}</p>
<h2>Over time</h2><p class="meta"><span class="legend-fault"></span> fault in effect; dashed lines: objectives</p>
${charts.join('\n')}
<h2>Verdicts</h2>
<table id="verdicts"><tr><th></th><th>scope</th><th>name</th><th>objective</th><th>measured</th></tr>${journal.objectives.map(verdictRow).join('')}</table>
<h2>Load phases</h2>
<table><tr><th>phase</th><th>time</th><th>sent</th><th>ok</th><th>failed</th><th>dropped</th><th>target</th><th>goodput</th><th>p50</th><th>p99</th></tr>${phases.join('')}</table>
${rolloutsHtml(journal)}
<h2>Timeline</h2>
<table id="timeline">${timeline.map((t) => `<tr><td>${seconds(t.tMs)}</td><td>${esc(t.text)}</td></tr>`).join('')}</table>
</body></html>
`;
}
