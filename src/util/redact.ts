/**
 * Masks secrets in anything agentup prints: logs, the endpoint table, errors,
 * `--json`, reports. Secret values are replaced wherever they appear, and the
 * password part of any `scheme://user:password@host` URL is masked too.
 */
export const MASK = '****';

/** Values shorter than this are not masked by content: `on` or `1` would mangle every line. */
const MIN_SECRET_LENGTH = 4;

export type Redactor = (text: string) => string;

export function createRedactor(secrets: Iterable<string>): Redactor {
  const values = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const escaped = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const secretPattern = escaped.length > 0 ? new RegExp(escaped.join('|'), 'g') : null;
  return (text: string): string => {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)([^@\s/]+)(@)/gi, `$1${MASK}$3`);
    if (secretPattern) out = out.replace(secretPattern, MASK);
    return out;
  };
}
