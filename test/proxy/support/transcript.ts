import { readFileSync } from 'node:fs';

/** One call of the reference transcript of the real toxiproxy-server 2.12.0. */
export interface TranscriptCall {
  method: string;
  path: string;
  body: string | undefined;
  status: number;
  response: string;
}

export const TRANSCRIPT_PATH = '/work/shared/reference/toxiproxy-2.12.0/api-transcript.txt';

export function readTranscript(path = TRANSCRIPT_PATH): TranscriptCall[] {
  const calls: TranscriptCall[] = [];
  for (const block of readFileSync(path, 'utf8').split(/^### /m).slice(1)) {
    const [request = '', statusLine = '', ...rest] = block.split('\n');
    const match = /^(\S+) (\S+) ?(.*)$/.exec(request);
    const status = /^HTTP (\d+)/.exec(statusLine);
    if (!match || !status) throw new Error(`cannot read transcript block: ${block.slice(0, 80)}`);
    calls.push({
      method: match[1]!,
      path: match[2]!,
      body: match[3] === '' ? undefined : match[3],
      status: Number(status[1]),
      response: rest.join('\n').trim(),
    });
  }
  return calls;
}
