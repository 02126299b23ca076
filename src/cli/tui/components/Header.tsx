import { Text } from 'ink';
import { compact, fit, uptime } from '../sparkline.ts';
import { removableFaults } from '../selectors.ts';
import type { TuiState } from '../state.ts';
import { color, colorEnabled } from '../theme.ts';

/** One line: name, phase and uptime, health, faults and load at a glance. */
export function Header(props: { state: TuiState; now: number; width: number }) {
  const { state, now, width } = props;
  const replicas = state.parts.filter((p) => p.kind === 'replica');
  const healthy = replicas.filter((p) => p.state === 'healthy').length;
  const faults = removableFaults(state).length;
  const phase = state.phase === 'running' && state.readyAt ? `running ${uptime(now - state.readyAt)}` : state.phase;
  const load = state.load?.running
    ? `load ${compact(state.load.targetRate)}/s ${state.load.path}: ${compact(state.load.achievedRate)}/s ok ${compact(state.load.ok)} err ${compact(state.load.errors)}`
    : 'no load (l starts some)';
  const text = ` agentup sim · ${state.name || '…'} · ${phase} · ${healthy}/${replicas.length} replicas healthy · ${faults} fault${faults === 1 ? '' : 's'} · ${load}`;
  return (
    <Text inverse={!colorEnabled()} color={color('black')} backgroundColor={color('cyan')} wrap="truncate">
      {fit(text, width)}
    </Text>
  );
}
