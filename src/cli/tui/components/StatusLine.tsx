import { Box, Text } from 'ink';
import type { Flash } from '../controller.ts';
import { shortBindings } from '../key-bindings.ts';
import { fit } from '../sparkline.ts';
import type { TuiState } from '../state.ts';
import { color } from '../theme.ts';

/** Endpoints (or the latest message) and the key bindings. */
export function StatusLine(props: { state: TuiState; flash: Flash | null; width: number }) {
  const { state, flash, width } = props;
  // The control URL (with its token) goes last: where the terminal is narrow it is cut, and
  // connectSimulation() with no URL finds the running simulation anyway.
  const control = state.endpoints.control ? `  control ${state.endpoints.control}` : '';
  const endpoints = `LB ${state.endpoints.loadBalancer ?? '-'}  fault proxy API ${state.endpoints.faultProxy ?? '-'}${control}`;
  return (
    <Box flexDirection="column" width={width}>
      {flash ? (
        <Text color={color(flash.level === 'error' ? 'red' : 'green')} wrap="truncate">{fit(`${flash.level === 'error' ? 'error: ' : '» '}${flash.text}`, width)}</Text>
      ) : (
        <Text wrap="truncate">{fit(` ${endpoints}`, width)}</Text>
      )}
      <Text color={color('gray')} wrap="truncate">{fit(` ${shortBindings()}`, width)}</Text>
    </Box>
  );
}
