import { Text } from 'ink';
import { filterLogs } from '../selectors.ts';
import { clock, fit } from '../sparkline.ts';
import type { TuiState } from '../state.ts';
import { color, levelColor, levelTag, replicaColor } from '../theme.ts';
import { Panel } from './Panel.tsx';

/** The merged replica logs, newest at the bottom, coloured by replica and level. */
export function LogPane(props: { state: TuiState; filter: string; width: number; height: number }) {
  const { state, filter, width, height } = props;
  const inner = width - 2;
  const lines = filterLogs(state.logs, filter).slice(-(height - 2));
  const idWidth = Math.max(8, ...lines.map((l) => l.replica.length));
  const title = filter ? `Logs (filter: ${filter})` : 'Logs';
  return (
    <Panel title={title} width={width} height={height}>
      {lines.length === 0 && <Text color={color('gray')}>{filter ? 'no line matches the filter (/ changes it)' : 'no log lines yet'}</Text>}
      {lines.map((l, i) => {
        const extra = l.fields ? Object.entries(l.fields).filter(([k]) => k !== 'time' && k !== 'replica' && k !== 'pid' && k !== 'hostname').map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
        const text = `${l.msg}${extra ? ` ${extra}` : ''}`;
        const head = `${clock(l.ts)} ${l.replica.padEnd(idWidth)} ${levelTag(l.level)} `;
        return (
          <Text key={`${l.ts}-${i}`} wrap="truncate">
            <Text color={color('gray')}>{head.slice(0, 9)}</Text>
            <Text color={replicaColor(l.replica)}>{head.slice(9, 10 + idWidth)}</Text>
            <Text color={levelColor(l.level)} bold={l.level === 'error'}>{head.slice(10 + idWidth)}</Text>
            <Text color={levelColor(l.level)}>{fit(text, Math.max(0, inner - head.length))}</Text>
          </Text>
        );
      })}
    </Panel>
  );
}
