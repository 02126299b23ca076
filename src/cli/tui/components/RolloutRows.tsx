import { Text } from 'ink';
import { compact, fit, percent } from '../sparkline.ts';
import type { TuiState } from '../state.ts';
import { color } from '../theme.ts';
import { ChartRow } from './ChartRow.tsx';

const last = (values: readonly number[]): number => values[values.length - 1] ?? 0;

/** Lines the rollout adds to the traffic panel: a status line, one chart per version, the last decision. */
export function rolloutRowCount(state: TuiState): number {
  const r = state.rollout;
  return r ? 2 + Object.keys(r.versions).length : 0;
}

/** The rollout in the traffic panel: where it is, the weights, each version's requests/s chart with errors and p99. */
export function rolloutRows(state: TuiState, row: { width: number; labelWidth: number; valueWidth: number }) {
  const r = state.rollout;
  if (!r) return [];
  const weights = Object.entries(r.weights).map(([v, w]) => `${v} ${w}%`).join(' · ');
  const where = r.state === 'running' ? `step ${r.step}/${r.of}` : r.state === 'promoted' ? 'promoted' : 'ROLLED BACK';
  const tint = r.state === 'rolled_back' ? 'red' : r.state === 'promoted' ? 'green' : 'yellow';
  return [
    <Text key="rollout-head" wrap="truncate" color={color(tint)}>{fit(`rollout ${r.strategy} ${where}: ${weights}`, row.width)}</Text>,
    ...Object.entries(r.versions).map(([name, s]) => (
      <ChartRow key={`version-${name}`} label={`v ${name}`} values={s.rps} value={`${r.weights[name] ?? 0}% ${compact(last(s.rps))}/s ${percent(last(s.errorRate))} p99 ${compact(last(s.p99Ms))}`} {...row} tint={name === r.to ? 'magenta' : 'blue'} />
    )),
    <Text key="rollout-decision" wrap="truncate">{fit(r.decision ?? 'waiting for the first analysis', row.width)}</Text>,
  ];
}
