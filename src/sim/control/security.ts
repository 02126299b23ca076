import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A refusal: the status and the fixed message the client sees. */
export interface Refusal {
  status: number;
  error: string;
  hint?: string;
}

/** 32 random bytes, base64url: a new one for every run, so a leaked URL dies with the run. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The control API can kill processes, so a web page the developer has open
 * must not reach it. Three independent walls, checked in this order:
 * - Host must name the loopback address and our port: a DNS-rebinding page
 *   reaches 127.0.0.1 but its requests carry the attacker's host name.
 * - Browsers are refused by User-Agent (as Toxiproxy does) and by Origin
 *   (sent on every cross-origin fetch), and no CORS header is ever sent.
 * - Every request carries this run's token, which a page cannot know.
 */
export function checkRequest(req: IncomingMessage, port: number, token: string): Refusal | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return { status: 403, error: 'host not allowed', hint: `use http://127.0.0.1:${port}/` };
  }
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    return { status: 403, error: 'browsers not allowed', hint: 'use connectSimulation(url), curl or another non-browser client' };
  }
  if (req.headers.origin !== undefined) {
    return { status: 403, error: 'cross-origin requests not allowed' };
  }
  const given = tokenOf(req);
  if (given === null) return { status: 401, error: 'token required', hint: 'pass the token from the printed URL as ?token= or Authorization: Bearer' };
  if (!sameSecret(given, token)) return { status: 401, error: 'wrong token', hint: 'each run has a new token; copy the URL agentup printed for this run' };
  return null;
}

function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1]! : '';
  }
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token');
  return query;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
