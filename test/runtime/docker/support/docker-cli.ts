/**
 * What the docker CLI itself lists, independent of the code under test (the
 * runtime and its watchdog talk to the Engine API through their own code).
 */
import { execFileSync } from 'node:child_process';

export const dockerIds = (...args: string[]): string[] => execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean);

/** The run's containers and networks, and with `images` its image tags, labelled agentup.run=<runId>. */
export function runLeftOver(runId: string, options: { images?: boolean } = {}): string[] {
  const filter = `label=agentup.run=${runId}`;
  return [
    ...dockerIds('ps', '-aq', '--filter', filter).map((id) => `container ${id}`),
    ...dockerIds('network', 'ls', '-q', '--filter', filter).map((id) => `network ${id}`),
    ...(options.images ? dockerIds('images', '-q', '--filter', filter).map((id) => `image ${id}`) : []),
  ];
}
