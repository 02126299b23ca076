import type { ToxicKind } from './types.ts';

/** Data passes; the end of stream is passed on `delay` ms late. */
export const slowClose: ToxicKind = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', goType: 'int64' }],
  pipe(attrs, out) {
    const delayMs = attrs.delay ?? 0;
    let timer: NodeJS.Timeout | undefined;
    return {
      write: (chunk) => out.push(chunk),
      end: () => {
        timer = setTimeout(() => out.end(), delayMs);
      },
      drain: () => {
        if (timer) clearTimeout(timer);
        return [];
      },
      heldBytes: () => 0,
    };
  },
};
