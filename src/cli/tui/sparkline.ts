const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * The last `width` values as bars scaled to the largest visible one, padded on
 * the left so a young chart grows from the right like the old ones scroll.
 * All-zero data is a flat baseline, not a full bar.
 */
export function sparkline(values: readonly number[], width: number, floor = 0): string {
  if (width <= 0) return '';
  const visible = values.slice(-width);
  const max = Math.max(floor, ...visible);
  const bars = visible.map((v) => (max <= 0 || !Number.isFinite(v) || v <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))]!));
  // A zero on a live chart reads better as the lowest bar than as a gap.
  const drawn = bars.map((b, i) => (b === ' ' && visible[i] === 0 ? '▁' : b)).join('');
  return drawn.padStart(width, ' ');
}

/** Numbers in a few characters: 0.4, 12, 1.2k. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 10_000) return `${(n / 1000).toFixed(0)}k`;
  if (Math.abs(n) >= 1000) return `${(n / 1000).toFixed(1)}k`;
  if (Math.abs(n) >= 100 || Number.isInteger(n)) return n.toFixed(0);
  return n.toFixed(1);
}

export function percent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** `1m05s`, `2h03m`. */
export function uptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

export function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** Cuts to `width` columns with an ellipsis (every character here is one column wide). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`;
}
