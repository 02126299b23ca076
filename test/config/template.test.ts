import { describe, expect, it } from 'vitest';
import { escapeTemplateText, parseTemplate, renderTemplate } from '../../src/config/template.ts';
import { AgentupError } from '../../src/errors.ts';

describe('parseTemplate', () => {
  it('splits text and references, keeping the raw form', () => {
    expect(parseTemplate('redis://${redis.host}:${redis.port}/0')).toEqual([
      { kind: 'text', text: 'redis://' },
      { kind: 'ref', ref: 'redis.host', raw: '${redis.host}' },
      { kind: 'text', text: ':' },
      { kind: 'ref', ref: 'redis.port', raw: '${redis.port}' },
      { kind: 'text', text: '/0' },
    ]);
  });

  it('reads $$ as a literal $ and leaves a lone $ alone', () => {
    expect(parseTemplate('cost $$5, home $HOME, $${literal}')).toEqual([{ kind: 'text', text: 'cost $5, home $HOME, ${literal}' }]);
    expect(parseTemplate('')).toEqual([]);
    expect(parseTemplate('${env:A:-x}')).toEqual([{ kind: 'ref', ref: 'env:A:-x', raw: '${env:A:-x}' }]);
  });

  it('rejects an unterminated reference with a user error', () => {
    expect(() => parseTemplate('x ${redis.url')).toThrow(AgentupError);
    expect(() => parseTemplate('x ${redis.url')).toThrow(/unterminated reference "\$\{redis\.url"/);
  });
});

describe('renderTemplate and escapeTemplateText', () => {
  it('fills references and unescapes text', () => {
    const values: Record<string, string> = { 'redis.host': '127.0.0.1', 'redis.port': '6379' };
    expect(renderTemplate('${redis.host}:${redis.port} $$', (ref) => values[ref]!)).toBe('127.0.0.1:6379 $');
  });

  it('escapes any text so that it renders back unchanged', () => {
    for (const text of ['plain', 'a$b', '$$', '${redis.url}', '$', 'x$${y}$']) {
      expect(renderTemplate(escapeTemplateText(text), () => 'REF')).toBe(text);
    }
  });
});
