import type { ToxicKind } from './types.ts';

/**
 * Swallows all data. With timeout > 0 the connection closes after `timeout` ms
 * without a chunk (each chunk restarts the clock); 0 holds it forever. Removing
 * the toxic closes the connection (Toxiproxy's Cleanup), since the peer has
 * already lost data and would otherwise hang.
 */
export const timeout: ToxicKind = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  pipe(attrs, out) {
    const timeoutMs = attrs.timeout ?? 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      if (timeoutMs > 0) timer = setTimeout(() => out.close(), timeoutMs);
    };
    const stop = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    arm();
    return {
      write: () => arm(),
      end: () => {
        stop();
        out.end();
      },
      drain: () => {
        stop();
        return [];
      },
      heldBytes: () => 0,
      cleanup: () => {
        stop();
        out.close();
      },
    };
  },
};
