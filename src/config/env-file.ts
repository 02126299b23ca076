/**
 * `.env` files as dotenv and Compose read them: KEY=VALUE lines, `#` comments,
 * an optional `export ` prefix, and single quotes (literal) or double quotes
 * (with \n, \t, \" and \\ escapes). Unquoted values end at ` #`.
 */

export interface EnvFileResult {
  entries: Array<{ key: string; value: string; line: number }>;
  errors: Array<{ line: number; message: string }>;
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

export function parseEnvFile(text: string): EnvFileResult {
  const result: EnvFileResult = { entries: [], errors: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*(#.*)?$/.test(raw)) return;
    const match = LINE.exec(raw);
    if (!match) {
      result.errors.push({ line, message: `is not KEY=VALUE: ${JSON.stringify(raw.trim())}` });
      return;
    }
    const value = parseValue(match[2]!);
    if (value === null) {
      result.errors.push({ line, message: `has an unterminated quote: ${JSON.stringify(raw.trim())}` });
      return;
    }
    result.entries.push({ key: match[1]!, value, line });
  });
  return result;
}

function parseValue(rest: string): string | null {
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    const end = findClosingQuote(rest, quote);
    if (end < 0) return null;
    const body = rest.slice(1, end);
    return quote === "'" ? body : body.replace(/\\(.)/g, (whole, ch: string) => ESCAPES[ch] ?? whole);
  }
  return rest.replace(/\s+#.*$/, '').trim();
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}
