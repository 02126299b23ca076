/**
 * The bytes of each request, serialised ahead of time as autocannon does:
 * a run with a fixed body (or none) writes one prebuilt Buffer for every
 * request; a body generator gets a prebuilt head, and only the
 * content-length line and the body are written per request. Header names and
 * values were checked in options.ts, so nothing here can inject a line.
 */
import { AgentupError } from '../../errors.ts';
import type { NormalisedLoad } from './options.ts';
import type { BodyGenerator } from './types.ts';

/** Methods whose requests carry a body by definition: they get content-length: 0 when empty (as undici does). */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Managed here, so a user's value would conflict with ours. */
const OWN_HEADERS = new Set(['content-length', 'host']);

function headPrefix(load: NormalisedLoad, host: string, extra: Record<string, string>): string {
  const headers = { ...load.headers, ...extra };
  const userHost = Object.entries(headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
  let head = `${load.method} ${load.path} HTTP/1.1\r\nhost: ${userHost ?? host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!OWN_HEADERS.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
  }
  return head;
}

function withBody(prefix: Buffer, body: string | Uint8Array): Buffer {
  const bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const lengthLine = `content-length: ${bodyLength}\r\n\r\n`;
  const out = Buffer.allocUnsafe(prefix.length + lengthLine.length + bodyLength);
  prefix.copy(out, 0);
  let at = prefix.length + out.write(lengthLine, prefix.length, 'latin1');
  if (typeof body === 'string') at += out.write(body, at, 'utf8');
  else out.set(body, at);
  return out;
}

/** The bytes of request `i` (0-based). */
export function requestBytes(load: NormalisedLoad, host: string, generator: BodyGenerator | undefined, random: () => number): (i: number) => Buffer {
  const prefix = Buffer.from(headPrefix(load, host, {}), 'latin1');
  if (load.body.kind === 'fixed') {
    const fixed = withBody(prefix, load.body.data);
    return () => fixed;
  }
  if (!generator) {
    const empty = PAYLOAD_METHODS.has(load.method) ? withBody(prefix, '') : Buffer.concat([prefix, Buffer.from('\r\n')]);
    return () => empty;
  }
  const hasType = Object.keys(load.headers).some((k) => k.toLowerCase() === 'content-type');
  const jsonPrefix = hasType ? prefix : Buffer.from(headPrefix(load, host, { 'content-type': 'application/json' }), 'latin1');
  return (i: number) => {
    let value: unknown;
    try {
      value = generator(i, random);
    } catch (err) {
      throw new AgentupError(`the load body generator threw for request ${i}: ${(err as Error).message}`, { hint: 'fix the body function', cause: err });
    }
    if (typeof value === 'string' || value instanceof Uint8Array) return withBody(prefix, value);
    // JSON.stringify(undefined) is undefined: no body, as before.
    return withBody(jsonPrefix, JSON.stringify(value) ?? '');
  };
}
