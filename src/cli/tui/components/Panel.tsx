import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { color } from '../theme.ts';

/** A bordered box with its title in the top border; children get width-2 x height-2. */
export function Panel(props: { title: string; width: number; height: number; children?: ReactNode; accent?: string }) {
  const { title, width, height } = props;
  const label = ` ${title} `.slice(0, Math.max(0, width - 4));
  const top = `┌─${label}${'─'.repeat(Math.max(0, width - 3 - label.length))}┐`;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={color(props.accent)} wrap="truncate">{top}</Text>
      <Box borderStyle="single" borderTop={false} borderColor={color(props.accent)} flexDirection="column" width={width} height={height - 1} overflow="hidden">
        {props.children}
      </Box>
    </Box>
  );
}
