import { Text } from 'ink';
import { faultsOn } from '../selectors.ts';
import { fit } from '../sparkline.ts';
import type { TuiState } from '../state.ts';
import { color, stateColor } from '../theme.ts';
import { Panel } from './Panel.tsx';


/** Every part with its state, restarts (replicas) and the faults on it. */
export function TopologyPanel(props: { state: TuiState; width: number; height: number }) {
  const { state, width, height } = props;
  const inner = width - 2;
  const nameWidth = Math.min(14, Math.max(8, ...state.parts.map((p) => p.name.length)) + 1);
  const rows = state.parts.slice(0, height - 2);
  // As wide as the longest state on screen, so the faults column keeps its room at 80 columns.
  const stateWidth = Math.max(8, ...rows.map((p) => p.state.length + 1));
  return (
    <Panel title="Topology" width={width} height={height}>
      {rows.length === 0 && <Text color={color('gray')}>starting…</Text>}
      {rows.map((p) => {
        const faults = faultsOn(state, p.name).join(', ');
        const restarts = p.kind === 'replica' ? `↻${p.restarts} ` : '';
        const rest = inner - nameWidth - stateWidth - restarts.length;
        return (
          <Text key={p.name} wrap="truncate">
            {fit(p.name, nameWidth)}
            <Text color={stateColor(p.state)} bold={p.state !== 'healthy'}>{fit(p.state, stateWidth)}</Text>
            {restarts}
            <Text color={color('red')}>{fit(faults ? `! ${faults}` : '', rest)}</Text>
          </Text>
        );
      })}
    </Panel>
  );
}
