import { useInput } from 'ink';
import { useRef, useState } from 'react';
import type { FaultTarget } from './fault-catalog.ts';
import type { ActiveFault } from './state.ts';
import { NO_OVERLAY, uiKey, type Overlay, type UiCommand, type UiContext } from './ui.ts';

/**
 * Routes keys through the pure uiKey(): the overlay lives here, commands go
 * to `onCommand`. `ready` false (still starting) lets only quit and help through.
 */
export function useKeys(options: {
  ready: boolean;
  targets: () => FaultTarget[];
  faults: ActiveFault[];
  context: Omit<UiContext, 'targets' | 'faults'>;
  onCommand: (command: UiCommand) => void;
  onBlocked: () => void;
}): Overlay {
  const [overlay, setOverlay] = useState<Overlay>(NO_OVERLAY);
  // Several keys can arrive in one chunk (a paste, a fast typist, tmux send-keys):
  // each must see the overlay the previous one left, not this render's.
  const current = useRef<Overlay>(NO_OVERLAY);
  useInput((input, key) => {
    const overlay = current.current;
    const press = { input, ...key };
    const quitOrHelp = (key.ctrl && input === 'c') || input === 'q' || input === '?' || overlay.kind === 'help';
    if (!options.ready && !quitOrHelp) {
      options.onBlocked();
      return;
    }
    const ctx: UiContext = { ...options.context, targets: options.ready ? options.targets() : [], faults: options.faults };
    const result = uiKey(overlay, press, ctx);
    current.current = result.overlay;
    setOverlay(result.overlay);
    if (result.command) options.onCommand(result.command);
  });
  return overlay;
}
