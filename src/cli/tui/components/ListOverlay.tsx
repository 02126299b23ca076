import { Text } from 'ink';
import { fit } from '../sparkline.ts';
import { color } from '../theme.ts';
import { Panel } from './Panel.tsx';

/** A list with a cursor that scrolls to keep the cursor visible; the selected row is marked `›` and inverse. */
export function ListOverlay(props: { title: string; items: string[]; cursor: number; hint: string; width: number; height: number; empty?: string }) {
  const { items, cursor, width, height } = props;
  const visible = Math.max(1, height - 3);
  const first = Math.min(Math.max(0, cursor - visible + 1), Math.max(0, items.length - visible));
  return (
    <Panel title={props.title} width={width} height={height} accent="cyan">
      {items.length === 0 && <Text color={color('gray')}>{props.empty ?? '(none)'}</Text>}
      {items.slice(first, first + visible).map((item, i) => {
        const selected = first + i === cursor;
        return (
          <Text key={`${first + i}`} inverse={selected} bold={selected} wrap="truncate">
            {fit(`${selected ? '›' : ' '} ${item}`, width - 2)}
          </Text>
        );
      })}
      <Text color={color('gray')} wrap="truncate">{props.hint}</Text>
    </Panel>
  );
}
