import type { LogLine } from '../services/log-lines.ts';

export interface LogFilter {
  replica?: string;
  level?: string;
  /** Matched anywhere in the raw line. */
  text?: string;
}

/** The lines that match every given part of the filter. */
export function filterLogs(lines: readonly LogLine[], filter: LogFilter): LogLine[] {
  return lines.filter(
    (l) =>
      (filter.replica === undefined || l.replica === filter.replica) &&
      (filter.level === undefined || l.level === filter.level) &&
      (filter.text === undefined || l.raw.includes(filter.text)),
  );
}
