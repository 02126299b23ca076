import type { ToxicKind } from './types.ts';

/**
 * On the first chunk (or end of stream) in its direction, waits `timeout` ms and
 * then closes both sockets with a TCP RST (SO_LINGER 0), so the client reads
 * ECONNRESET. Data is dropped.
 */
export const resetPeer: ToxicKind = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  pipe(attrs, out) {
    const timeoutMs = attrs.timeout ?? 0;
    let timer: NodeJS.Timeout | undefined;
    let triggered = false;
    const trigger = (): void => {
      if (triggered) return;
      triggered = true;
      if (timeoutMs <= 0) out.reset();
      else timer = setTimeout(() => out.reset(), timeoutMs);
    };
    return {
      write: trigger,
      end: trigger,
      drain: () => {
        if (timer) clearTimeout(timer);
        return [];
      },
      heldBytes: () => 0,
    };
  },
};
