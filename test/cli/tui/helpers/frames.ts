import { stripVTControlCharacters } from 'node:util';
import type { render } from 'ink-testing-library';

type Instance = ReturnType<typeof render>;

/** The last frame as plain text, clock times zeroed so frames compare across runs. */
export function plain(instance: Instance): string {
  return stripVTControlCharacters(instance.lastFrame() ?? '').replace(/\b\d\d:\d\d:\d\d\b/g, '00:00:00');
}

/** Polls the frame until it contains `text` (Ink renders on a throttle); returns the frame. */
export async function waitForContent(instance: Instance, text: string | RegExp, timeoutMs = 2000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = plain(instance);
    if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${String(text)}; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Writes keys to the app's stdin and waits for `text` to appear. */
export async function sendInputAndWaitForContent(instance: Instance, keys: string, text: string | RegExp): Promise<string> {
  instance.stdin.write(keys);
  return waitForContent(instance, text);
}
