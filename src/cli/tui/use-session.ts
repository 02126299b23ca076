import { useSyncExternalStore } from 'react';
import type { SimSession } from './sim-session.ts';

/** The screen's state and latest message, re-rendered when the session publishes a batch. */
export function useSession(session: SimSession) {
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const flash = useSyncExternalStore(session.subscribe, session.getFlash);
  return { state, flash };
}
