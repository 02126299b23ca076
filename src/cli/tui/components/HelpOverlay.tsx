import { Text } from 'ink';
import { KEY_BINDINGS } from '../key-bindings.ts';
import { fit } from '../sparkline.ts';
import { color } from '../theme.ts';
import { Panel } from './Panel.tsx';

export function HelpOverlay(props: { width: number; height: number }) {
  const keyWidth = Math.max(...KEY_BINDINGS.map((b) => b.keys.length)) + 2;
  return (
    <Panel title="Help: any key closes" width={props.width} height={props.height} accent="cyan">
      {KEY_BINDINGS.map((b) => (
        <Text key={b.keys} wrap="truncate">
          <Text bold>{fit(` ${b.keys}`, keyWidth + 1)}</Text>
          {fit(b.action, props.width - keyWidth - 3)}
        </Text>
      ))}
      <Text color={color('gray')} wrap="truncate"> Charts: one point a second. Topology: ↻ restarts, ! faults on the part.</Text>
    </Panel>
  );
}
