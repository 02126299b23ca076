import type { ControlClient } from './control-client.ts';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/**
 * Follows one server-sent-events route until the server ends it or `signal`
 * aborts. Resolves `ended` either way; rejects only for errors that are not
 * our own abort. Resolves once the response headers are in, so a refused
 * request (401, 404) fails the caller at once.
 */
export async function followStream(
  client: ControlClient,
  path: string,
  onMessage: (m: SseMessage) => void,
  signal: AbortSignal,
): Promise<{ ended: Promise<void> }> {
  const res = await client.fetch('GET', path, undefined, signal);
  const body = res.body;
  if (!body) throw new Error(`${path} answered without a body`);
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    let fields: Partial<SseMessage> = {};
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (line === '') {
            if (fields.data !== undefined) onMessage({ event: fields.event ?? 'message', data: fields.data, id: fields.id });
            fields = {};
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const key = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (key === 'data') fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`;
            else if (key === 'event') fields.event = value;
            else if (key === 'id') fields.id = value;
          }
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  })();
  return { ended };
}
