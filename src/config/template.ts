import { AgentupError } from '../errors.ts';

/**
 * `${...}` references inside string values. `$$` is a literal `$`; any other
 * `$` (as in a shell's `$HOME`) is kept as written, so only `${` needs care.
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'ref'; ref: string; raw: string };

export type ScanResult = { parts: TemplatePart[]; error?: undefined } | { parts?: undefined; error: string };

export function scanTemplate(value: string): ScanResult {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === '$' && value[i + 1] === '$') {
      text += '$';
      i += 2;
    } else if (ch === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end < 0) return { error: `has an unterminated reference ${JSON.stringify(value.slice(i))}` };
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'ref', ref: value.slice(i + 2, end), raw: value.slice(i, end + 1) });
      i = end + 1;
    } else {
      text += ch;
      i += 1;
    }
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts };
}

/** Splits a value into literal text (with `$$` already unescaped) and references. */
export function parseTemplate(value: string): TemplatePart[] {
  const result = scanTemplate(value);
  if (result.error !== undefined) {
    throw new AgentupError(`${JSON.stringify(value)} ${result.error}`, {
      hint: 'close the reference with }, or write $$ for a literal $',
    });
  }
  return result.parts;
}

/** Fills every reference with `resolve(ref)`; the result is a plain string with no escapes left. */
export function renderTemplate(value: string, resolve: (ref: string) => string): string {
  return parseTemplate(value)
    .map((part) => (part.kind === 'text' ? part.text : resolve(part.ref)))
    .join('');
}

/** Escapes literal text so it survives a later parseTemplate unchanged. */
export function escapeTemplateText(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** Rebuilds a template from parts, keeping references whose replacement is undefined. */
export function partialRender(parts: TemplatePart[], replace: (ref: string) => string | undefined): string {
  return parts
    .map((part) => {
      if (part.kind === 'text') return escapeTemplateText(part.text);
      const replacement = replace(part.ref);
      return replacement === undefined ? part.raw : escapeTemplateText(replacement);
    })
    .join('');
}
