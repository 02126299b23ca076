import type { ToxicKind } from './types.ts';

interface LimitDataState {
  /** Bytes let through on this link; kept when the toxic is updated. */
  transmitted: number;
}

/**
 * Lets `bytes` bytes through per connection and direction: the chunk that
 * crosses the limit is cut to the allowance, then the connection closes.
 */
export const limitData: ToxicKind<LimitDataState> = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', goType: 'int64' }],
  newState: () => ({ transmitted: 0 }),
  pipe(attrs, out, state) {
    const limit = attrs.bytes ?? 0;
    let done = false;
    return {
      write(chunk) {
        if (done) return;
        const allowance = Math.max(0, limit - state.transmitted);
        const data = allowance < chunk.data.length ? chunk.data.subarray(0, allowance) : chunk.data;
        if (data.length > 0) {
          state.transmitted += data.length;
          out.push({ data, readAtMs: chunk.readAtMs });
        }
        if (limit - state.transmitted <= 0) {
          done = true;
          out.close();
        }
      },
      end() {
        if (done) return;
        done = true;
        out.end();
      },
      drain: () => [],
      heldBytes: () => 0,
    };
  },
};
