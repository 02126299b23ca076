import { Text } from 'ink';
import { fit, sparkline } from '../sparkline.ts';
import { color } from '../theme.ts';

/** `label ▁▂▅▇ value`: a sparkline with its latest figure, in exactly `width` columns. */
export function ChartRow(props: { label: string; values: readonly number[]; value: string; width: number; labelWidth: number; valueWidth: number; tint?: string; floor?: number }) {
  const sparkWidth = Math.max(4, props.width - props.labelWidth - props.valueWidth - 2);
  return (
    <Text wrap="truncate">
      {fit(props.label, props.labelWidth)}
      <Text color={color(props.tint ?? 'cyan')}>{sparkline(props.values, sparkWidth, props.floor)}</Text>
      {' '}{fit(props.value, props.valueWidth)}
    </Text>
  );
}
