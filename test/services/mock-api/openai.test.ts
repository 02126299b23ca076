import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadMockApiFile, startMockApi, type RunningMockApi } from '../../../src/services/mock-api/index.ts';

describe('openai.yaml with the official openai client', { timeout: 60_000 }, () => {
  let api: RunningMockApi;
  let client: OpenAI;

  beforeAll(async () => {
    api = await startMockApi(await loadMockApiFile('fixtures/apis/openai.yaml'), { seed: 3 });
    client = new OpenAI({ baseURL: `${api.url}/v1`, apiKey: 'sk-test-123', maxRetries: 0 });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    api.resetCounters();
  });

  it('answers a chat completion with usage estimated from the text', async () => {
    const content = 'Summarise this ticket: the printer is on fire again.';
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
    expect(r.model).toBe('gpt-4o-mini');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    const reply = r.choices[0]!.message.content!;
    expect(reply).toBe(`Mock reply to: ${content}`);
    // ~4 characters a token, plus 4 per message and 3 to prime the reply.
    expect(r.usage).toMatchObject({
      prompt_tokens: Math.ceil(content.length / 4) + 7,
      completion_tokens: Math.ceil(reply.length / 4),
    });
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(api.journal({ limit: 1 })[0]).toMatchObject({ route: 'chat_completions', status: 200, rule: 'response', headers: { authorization: '***' } });
  });

  it('streams server-sent events that the client reassembles', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hello there streaming world' }],
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const arrivals: number[] = [];
    for await (const chunk of stream) {
      chunks++;
      arrivals.push(performance.now());
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Mock reply to: hello there streaming world');
    expect(chunks).toBeGreaterThan(5);
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
    // The fixture dribbles the stream over 200 ms; allow a 50 ms early margin for timer granularity.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(150);
  });

  it('honours max_tokens with finish_reason length', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o', max_tokens: 3, messages: [{ role: 'user', content: 'x'.repeat(200) }] });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(3);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini']);
  });

  it('rejects a request without an API key with OpenAI\'s 401 shape', async () => {
    const res = await fetch(`${api.url}/v1/models`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain("You didn't provide an API key");
  });

  it('gives a 400 in OpenAI\'s shape for a request without messages', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
  });

  it('enforces RPM with OpenAI\'s 429 body and x-ratelimit headers', async () => {
    api.setRateLimit('rpm', { limit: 3 });
    const send = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const { response } = await send();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?(ms|s)$|^\d+m[\d.]+s$/);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('200000');
    await send();
    await send();
    const err = await send().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('requests');
    expect(e.message).toContain('Rate limit reached for gpt-4o-mini');
    expect(e.message).toContain('Limit 3, Used 3, Requested 1');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(api.counters().rateLimitedBy).toEqual({ rpm: 1 });
    api.setRateLimit('rpm', { limit: 500 });
  });

  it('enforces TPM by estimated prompt plus max_tokens', async () => {
    api.setRateLimit('tpm', { limit: 1000 });
    const ask = (maxTokens: number) =>
      client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: maxTokens, messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    // Each costs 100 + 7 prompt tokens + 300 max_tokens = 407: two fit in 1000, a third does not.
    await ask(300);
    await ask(300);
    await expect(ask(300)).rejects.toMatchObject({ status: 429, type: 'tokens' });
    // A smaller request still fits: 814 + 107 + 50 = 971.
    const small = await ask(50);
    expect(small.object).toBe('chat.completion');
    expect(api.counters().rateLimitedBy).toEqual({ tpm: 1 });
  });
});
