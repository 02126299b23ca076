import { Text } from 'ink';
import { clock, fit } from '../sparkline.ts';
import type { TimelineEntry, TuiState } from '../state.ts';
import { color } from '../theme.ts';

import { Panel } from './Panel.tsx';

/** A marker per kind, so the timeline reads without colour. */
const MARKS: Record<TimelineEntry['kind'], { mark: string; tint?: string }> = {
  fault: { mark: '!', tint: 'yellow' },
  crash: { mark: 'x', tint: 'red' },
  restart: { mark: '↻', tint: 'green' },
  rate_limit: { mark: '%', tint: 'magenta' },
  load: { mark: '>', tint: 'cyan' },
  info: { mark: '·' },
};

/** Faults added and removed, crashes, restarts, rate limits hit, load: newest at the bottom. */
export function TimelinePanel(props: { state: TuiState; width: number; height: number }) {
  const { state, width, height } = props;
  const entries = state.timeline.slice(-(height - 2));
  return (
    <Panel title="Events" width={width} height={height}>
      {entries.length === 0 && <Text color={color('gray')}>nothing has happened yet</Text>}
      {entries.map((e, i) => (
        <Text key={`${e.ts}-${i}`} wrap="truncate">
          <Text color={color('gray')}>{clock(e.ts)} </Text>
          <Text color={color(MARKS[e.kind].tint)}>{MARKS[e.kind].mark} {fit(e.text, width - 13)}</Text>
        </Text>
      ))}
    </Panel>
  );
}
