/**
 * Turns a replica's stdout/stderr bytes into tagged log lines. JSON lines are
 * parsed as structured logs (pino, bunyan, winston, structlog shapes); other
 * lines are kept as text.
 */

export interface LogLine {
  /** Epoch milliseconds when agentup read the line. */
  ts: number;
  /** Replica id, e.g. `triage-1`. */
  replica: string;
  stream: 'stdout' | 'stderr';
  level?: string;
  msg: string;
  /** The remaining keys of a JSON line. */
  fields?: Record<string, unknown>;
  raw: string;
}

/** A line longer than this is cut into pieces so one runaway line cannot eat memory. */
export const MAX_LINE_BYTES = 64 * 1024;

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_KEYS = ['level', 'lvl', 'severity', 'levelname'];
const MSG_KEYS = ['msg', 'message', 'event'];

function levelName(value: unknown): string | undefined {
  if (typeof value === 'number') return PINO_LEVELS[value] ?? String(value);
  if (typeof value === 'string' && value !== '') return value.toLowerCase();
  return undefined;
}

export function parseLogLine(raw: string, replica: string, stream: LogLine['stream'], ts = Date.now()): LogLine {
  const trimmed = raw.trimStart();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const fields: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
      let level: string | undefined;
      for (const key of LEVEL_KEYS) {
        if (key in fields) {
          level = levelName(fields[key]);
          delete fields[key];
          break;
        }
      }
      let msg = '';
      for (const key of MSG_KEYS) {
        if (typeof fields[key] === 'string') {
          msg = fields[key] as string;
          delete fields[key];
          break;
        }
      }
      const line: LogLine = { ts, replica, stream, msg, fields, raw };
      if (level !== undefined) line.level = level;
      return line;
    }
  }
  return { ts, replica, stream, msg: raw, raw };
}

/**
 * Splits a byte stream into lines. Keeps a partial last line until its newline
 * arrives (or `flush()`), and cuts lines longer than MAX_LINE_BYTES.
 */
export class LineSplitter {
  #partial = '';
  constructor(private readonly onLine: (line: string) => void, private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Pass strings from a stream with setEncoding('utf8') so multi-byte characters split across chunks survive. */
  push(chunk: string): void {
    let text = this.#partial + chunk;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      this.#emit(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    while (text.length > this.maxBytes) {
      this.onLine(text.slice(0, this.maxBytes));
      text = text.slice(this.maxBytes);
    }
    this.#partial = text;
  }

  flush(): void {
    if (this.#partial !== '') this.#emit(this.#partial);
    this.#partial = '';
  }

  #emit(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    // Blank lines carry nothing worth showing.
    for (let i = 0; i < clean.length; i += this.maxBytes) this.onLine(clean.slice(i, i + this.maxBytes));
  }
}
