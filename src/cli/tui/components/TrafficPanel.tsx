import { compact, percent } from '../sparkline.ts';
import type { TuiState } from '../state.ts';
import { replicaColor } from '../theme.ts';
import { ChartRow } from './ChartRow.tsx';
import { Panel } from './Panel.tsx';
import { rolloutRowCount, rolloutRows } from './RolloutRows.tsx';

const last = (values: readonly number[]): number => values[values.length - 1] ?? 0;

/** Lines the panel wants: four overall charts, one per replica, one per mock API. */
export function trafficRows(state: TuiState): number {
  return 4 + rolloutRowCount(state) + Object.keys(state.replicas).length + Object.keys(state.apis).length;
}

/** Live charts, one point a second: overall traffic, then each replica and each mock API. */
export function TrafficPanel(props: { state: TuiState; width: number; height: number }) {
  const { state, width, height } = props;
  const inner = width - 2;
  const labelWidth = Math.min(12, Math.max(9, ...Object.keys(state.replicas).map((r) => r.length + 1), ...Object.keys(state.apis).map((a) => a.length + 1)));
  const valueWidth = inner >= 56 ? 22 : 16;
  const row = { width: inner, labelWidth, valueWidth };
  const o = state.overall;
  const rows = [
    <ChartRow key="rps" label="req/s" values={o.rps} value={compact(last(o.rps))} {...row} />,
    <ChartRow key="p50" label="p50 ms" values={o.p50Ms} value={compact(last(o.p50Ms))} {...row} />,
    <ChartRow key="p99" label="p99 ms" values={o.p99Ms} value={compact(last(o.p99Ms))} {...row} tint="yellow" />,
    <ChartRow key="err" label="errors" values={o.errorRate} value={percent(last(o.errorRate))} {...row} tint="red" floor={0.01} />,
    ...rolloutRows(state, row),
    ...Object.entries(state.replicas).map(([id, s]) => (
      <ChartRow key={id} label={id} values={s.rps} value={`${compact(last(s.rps))}/s p99 ${compact(last(s.p99Ms))} ${percent(last(s.errorRate))}`} {...row} tint={replicaColor(id) ? replicaColor(id) : undefined} />
    )),
    ...Object.entries(state.apis).map(([name, a]) => (
      <ChartRow key={`api-${name}`} label={name} values={a.rps} value={`${compact(last(a.rps))}/s 429 ${compact(last(a.rateLimitedPerSec))}/s`} {...row} tint="magenta" />
    )),
  ];
  return (
    <Panel title={`Traffic (last ${Math.max(4, inner - labelWidth - valueWidth - 2)}s)`} width={width} height={height}>
      {rows.slice(0, height - 2)}
    </Panel>
  );
}
