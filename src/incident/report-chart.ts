/**
 * A line chart as inline SVG (no script, no network), for report.html: time
 * on x, fault windows shaded, objectives drawn as dashed horizontal lines.
 */

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  xMaxMs: number;
  series: Array<{ name: string; color: string; points: Array<[number, number]> }>;
  shades: Array<{ fromMs: number; toMs: number; label: string }>;
  lines: Array<{ y: number; label: string; color: string }>;
  format: (y: number) => string;
}

const W = 1100;
const H = 240;
const PAD = { left: 70, right: 20, top: 28, bottom: 34 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

export function lineChart(spec: ChartSpec): string {
  const maxY = niceMax(Math.max(...spec.series.flatMap((s) => s.points.map((p) => p[1])), ...spec.lines.map((l) => l.y)) * 1.1);
  const xMax = Math.max(1000, spec.xMaxMs);
  const x = (ms: number) => PAD.left + (Math.min(Math.max(ms, 0), xMax) / xMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (Math.min(v, maxY) / maxY) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${PAD.left}" y="18" class="title">${esc(spec.title)}</text>`);
  for (const s of spec.shades) {
    parts.push(`<rect class="fault" x="${x(s.fromMs).toFixed(1)}" y="${PAD.top}" width="${Math.max(2, x(s.toMs) - x(s.fromMs)).toFixed(1)}" height="${H - PAD.top - PAD.bottom}"><title>${esc(s.label)}</title></rect>`);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="axis" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(spec.format(v))}</text>`);
  }
  const tickS = Math.max(1, Math.ceil(xMax / 1000 / 10));
  for (let s = 0; s * 1000 <= xMax; s += tickS) {
    parts.push(`<text class="axis" x="${x(s * 1000).toFixed(1)}" y="${H - 14}" text-anchor="middle">${s}s</text>`);
  }
  for (const l of spec.lines) {
    parts.push(`<line class="objective" stroke="${l.color}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(l.y).toFixed(1)}" y2="${y(l.y).toFixed(1)}"/>`);
    parts.push(`<text class="objective-label" fill="${l.color}" x="${W - PAD.right - 4}" y="${(y(l.y) - 4).toFixed(1)}" text-anchor="end">${esc(l.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    if (s.points.length) {
      const d = s.points.map(([px, py], k) => `${k ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
      parts.push(`<path class="series" data-series="${esc(s.name)}" d="${d}" stroke="${s.color}"/>`);
    }
    parts.push(`<rect x="${W - PAD.right - 230 + i * 110}" y="9" width="12" height="4" fill="${s.color}"/><text class="axis" x="${W - PAD.right - 214 + i * 110}" y="15">${esc(s.name)}</text>`);
  });
  return `<svg class="chart" id="${spec.id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}">${parts.join('')}</svg>`;
}
