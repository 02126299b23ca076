import type { CompiledResponse } from './compile.ts';
import type { Exchange, MockApiEngine } from './engine.ts';
import { lastUserMessage, openaiChat, openaiModels, type Generated } from './openai.ts';
import { dribble, malformJson, resetMidBody, splitBody, stripLength, type Done } from './respond.ts';
import type { FaultSpec, StreamSpec } from './types.ts';

const DEFAULT_REPLY = 'This is a mock reply from agentup.';
const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini'];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Writes the chosen response, bent by the fault that hit it (if any). */
export function writeResponse(engine: MockApiEngine, x: Exchange, r: CompiledResponse, fault: FaultSpec | null, done: Done): void {
  const spec = r.spec;
  let headers = x.extraHeaders ? r.headers.concat(x.extraHeaders) : r.headers;
  if (spec.generator) return writeGenerated(engine, x, r, headers, fault, done);
  if (!fault && !spec.stream) {
    // The fast path: fixed bytes and precomputed headers.
    x.res.writeHead(spec.status, headers);
    x.res.end(r.body.fixed ?? r.body.render!(engine.ctxOf(x)));
    return done(spec.status);
  }
  const bytes = r.body.fixed ?? Buffer.from(r.body.render!(engine.ctxOf(x)));
  headers = stripLength(headers);
  deliver(engine, x, spec.status, headers, bytes, null, spec.stream, fault, done);
}

function writeGenerated(engine: MockApiEngine, x: Exchange, r: CompiledResponse, baseHeaders: string[], fault: FaultSpec | null, done: Done): void {
  const nowS = Math.floor(x.atMs / 1000);
  let out: Generated;
  if (r.spec.generator === 'openai_models') {
    const listed = r.spec.body.kind === 'json' && Array.isArray(r.spec.body.value) ? r.spec.body.value.map(String) : DEFAULT_MODELS;
    out = openaiModels(listed, nowS);
  } else {
    const ctx = engine.ctxOf(x);
    ctx.vars = { last_user_message: lastUserMessage(x.body) };
    const reply = r.reply ? String(r.reply(ctx)) : DEFAULT_REPLY;
    out = openaiChat(x.body, reply, `chatcmpl-${randomId(engine.random, 24)}`, nowS);
  }
  const headers: string[] = [];
  for (let i = 0; i < baseHeaders.length; i += 2) {
    const name = baseHeaders[i]!;
    if (name !== 'content-type' && name !== 'content-length') headers.push(name, baseHeaders[i + 1]!);
  }
  headers.push('x-request-id', engine.ctxOf(x).request.id);
  if (out.events) {
    headers.push('content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache');
    const pieces = out.events.map((e) => Buffer.from(`data: ${e}\n\n`));
    const stream = r.spec.stream ?? { chunks: pieces.length, durationMs: 0 };
    return deliver(engine, x, out.status, headers, Buffer.concat(pieces), pieces, stream, fault, done);
  }
  headers.push('content-type', 'application/json');
  deliver(engine, x, out.status, headers, Buffer.from(JSON.stringify(out.json)), null, r.spec.stream, fault, done);
}

/** `headers` carry no content-length; this decides framing per fault. */
function deliver(
  engine: MockApiEngine, x: Exchange, status: number, headers: string[], bytes: Buffer, pieces: Buffer[] | null,
  stream: StreamSpec | null, fault: FaultSpec | null, done: Done,
): void {
  const after = engine.after.bind(engine);
  const kind = fault?.kind;
  if (kind === 'reset_mid_body') return resetMidBody(x.res, status, headers, bytes, done);
  if (kind === 'malformed_json') bytes = malformJson(bytes);
  if (stream || kind === 'truncated_stream') {
    const parts = pieces && kind !== 'malformed_json' ? pieces : splitBody(bytes, stream?.chunks ?? 10);
    const cut = kind === 'truncated_stream' ? Math.max(1, Math.floor(parts.length / 2)) : null;
    return dribble(x.res, status, headers, parts, stream?.durationMs ?? 0, after, done, cut);
  }
  x.res.writeHead(status, [...headers, 'content-length', String(bytes.length)]);
  x.res.end(bytes);
  done(status);
}

function randomId(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ID_CHARS[Math.floor(random() * ID_CHARS.length)];
  return s;
}
