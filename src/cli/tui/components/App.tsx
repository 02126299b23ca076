import { Box } from 'ink';
import { useState } from 'react';
import type { TuiControl } from '../controller.ts';
import { computeLayout } from '../layout.ts';
import { removableFaults } from '../selectors.ts';
import type { SimSession } from '../sim-session.ts';
import { useKeys } from '../use-keys.ts';
import { useNow } from '../use-now.ts';
import { useSession } from '../use-session.ts';
import { useTerminalSize } from '../use-terminal-size.ts';
import { Header } from './Header.tsx';
import { LogPane } from './LogPane.tsx';
import { Overlay } from './Overlay.tsx';
import { StatusLine } from './StatusLine.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';
import { TopologyPanel } from './TopologyPanel.tsx';
import { TrafficPanel, trafficRows } from './TrafficPanel.tsx';

const FLASH_MS = 6000;

export interface AppProps {
  session: SimSession;
  /** null while the simulation is starting: only quit and help work. */
  control: TuiControl | null;
  onQuit: () => void;
  /** Fixed size (tests, benchmarks); default: the terminal's, following resizes. */
  size?: { columns: number; rows: number };
}

/** The root: state from the session, keys through the pure uiKey(), panels laid out for the terminal size. */
export function App({ session, control, onQuit, size }: AppProps) {
  const { state, flash } = useSession(session);
  const { columns, rows } = useTerminalSize(size);
  const now = useNow();
  const [filter, setFilter] = useState('');
  const faults = removableFaults(state);
  const overlay = useKeys({
    ready: control !== null,
    targets: () => control?.targets() ?? [],
    faults,
    context: { load: control?.lastLoad ?? { path: '/triage', rate: 50, method: 'POST' }, filter, rateLimitName: (api) => control?.rateLimitName(api) ?? '' },
    onBlocked: () => session.notify({ text: 'still starting: only q and ? work until every part is healthy', level: 'info' }),
    onCommand: (command) => {
      if (command.type === 'quit') onQuit();
      else if (command.type === 'set_filter') setFilter(command.text);
      else void control?.run(command);
    },
  });
  const l = computeLayout(columns, rows, Math.max(state.parts.length, trafficRows(state)));
  const shownFlash = flash && now - flash.ts < FLASH_MS ? flash : null;
  return (
    <Box flexDirection="column" width={l.width} height={l.height}>
      <Header state={state} now={now} width={l.width} />
      {overlay.kind === 'none' ? (
        <>
          <Box flexDirection="row" height={l.topHeight}>
            <TopologyPanel state={state} width={l.leftWidth} height={l.topHeight} />
            <TrafficPanel state={state} width={l.rightWidth} height={l.topHeight} />
          </Box>
          <Box flexDirection="row" height={l.bottomHeight}>
            <LogPane state={state} filter={filter} width={l.logWidth} height={l.bottomHeight} />
            <TimelinePanel state={state} width={l.timelineWidth} height={l.bottomHeight} />
          </Box>
        </>
      ) : overlay.kind === 'help' ? (
        <Overlay overlay={overlay} ctx={{ targets: [], faults }} width={l.width} height={l.topHeight + l.bottomHeight} />
      ) : (
        <Box flexDirection="row" height={l.topHeight + l.bottomHeight}>
          <TopologyPanel state={state} width={l.leftWidth} height={l.topHeight + l.bottomHeight} />
          <Overlay overlay={overlay} ctx={{ targets: control?.targets() ?? [], faults }} width={l.rightWidth} height={l.topHeight + l.bottomHeight} />
        </Box>
      )}
      <StatusLine state={state} flash={shownFlash} width={l.width} />
    </Box>
  );
}
