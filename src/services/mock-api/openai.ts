/**
 * Built-in generators for OpenAI-compatible endpoints: the real response,
 * chunk and error shapes of /v1/chat/completions and /v1/models, with usage
 * estimated from the text (about four characters per token, as OpenAI's docs
 * suggest for English), so TPM limits see plausible numbers.
 */

export interface Generated {
  status: number;
  /** A JSON body... */
  json?: unknown;
  /** ...or server-sent event payloads (each becomes `data: <payload>\n\n`). */
  events?: string[];
}

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === 'object' && typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  stream_options?: { include_usage?: unknown };
}

/** Prompt tokens the way OpenAI counts chat: text plus ~4 per message and 3 to prime the reply. */
export function promptTokens(body: unknown): number {
  const messages = (body as ChatRequest | null)?.messages;
  if (!Array.isArray(messages)) return 0;
  let n = 3;
  for (const m of messages) n += 4 + estimateTokens(contentText((m as { content?: unknown })?.content));
  return n;
}

function maxTokens(body: ChatRequest): number | null {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && v > 0 ? v : null;
}

/** What a request costs a `cost: tokens` limit: prompt plus the completion budget it asks for. */
export function requestTokenCost(body: unknown, rawLength: number): number {
  if (body && typeof body === 'object' && Array.isArray((body as ChatRequest).messages)) {
    return promptTokens(body) + (maxTokens(body as ChatRequest) ?? 0);
  }
  return Math.max(1, Math.ceil(rawLength / 4));
}

export function lastUserMessage(body: unknown): string {
  const messages = (body as ChatRequest | null)?.messages;
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}

export function openaiError(status: number, message: string, type: string, param: string | null = null, code: string | null = null): Generated {
  return { status, json: { error: { message, type, param, code } } };
}

export function openaiChat(body: unknown, reply: string, id: string, createdS: number): Generated {
  const req = (body && typeof body === 'object' ? body : null) as ChatRequest | null;
  if (!req) return openaiError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  if (typeof req.model !== 'string') return openaiError(400, 'you must provide a model parameter', 'invalid_request_error', 'model');
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    return openaiError(400, "'messages' is a required property", 'invalid_request_error', 'messages');
  }
  const limit = maxTokens(req);
  let content = reply;
  let finish = 'stop';
  if (limit !== null && estimateTokens(content) > limit) {
    content = content.slice(0, limit * 4);
    finish = 'length';
  }
  const usage = {
    prompt_tokens: promptTokens(req),
    completion_tokens: estimateTokens(content),
    total_tokens: 0,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const head = { id, created: createdS, model: req.model, system_fingerprint: 'fp_agentup', service_tier: 'default' };
  if (req.stream !== true) {
    return {
      status: 200,
      json: {
        ...head,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: finish }],
        usage,
      },
    };
  }
  const chunk = (delta: object, finishReason: string | null): string =>
    JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const piece of content.match(/\S+\s*/g) ?? []) events.push(chunk({ content: piece }, null));
  events.push(chunk({}, finish));
  if (req.stream_options?.include_usage === true) {
    events.push(JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [], usage }));
  }
  events.push('[DONE]');
  return { status: 200, events };
}

export function openaiModels(models: string[], createdS: number): Generated {
  return {
    status: 200,
    json: { object: 'list', data: models.map((id) => ({ id, object: 'model', created: createdS, owned_by: 'agentup' })) },
  };
}
