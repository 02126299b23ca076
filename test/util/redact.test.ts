import { expect, test } from 'vitest';
import { createRedactor } from '../../src/util/redact.ts';

test('masks secret values wherever they appear', () => {
  const redact = createRedactor(['sk-live-123456', 'hunter22']);
  expect(redact('key=sk-live-123456 and again sk-live-123456')).toBe('key=**** and again ****');
  expect(redact('{"password":"hunter22"}')).toBe('{"password":"****"}');
});

test('masks the password in any URL with credentials, secret or not', () => {
  const redact = createRedactor([]);
  expect(redact('DATABASE_URL=postgres://triage:pw@127.0.0.1:5432/triage')).toBe('DATABASE_URL=postgres://triage:****@127.0.0.1:5432/triage');
  expect(redact('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});

test('very short values are not masked by content (they would mangle every line)', () => {
  expect(createRedactor(['on'])('connection on')).toBe('connection on');
});
