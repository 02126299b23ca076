/**
 * Colours, off under NO_COLOR (https://no-color.org): chalk does not read it,
 * so every component asks here. Nothing on screen is told by colour alone:
 * states, levels and markers are words or symbols too.
 */
export const colorEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');

const ON = colorEnabled();

export function color(name: string | undefined): string | undefined {
  return ON ? name : undefined;
}

const STATE_COLORS: Record<string, string> = {
  healthy: 'green', starting: 'cyan', restarting: 'yellow', unhealthy: 'yellow', paused: 'blue',
  crashed: 'red', OOMKilled: 'red', down: 'red', stopped: 'gray',
};

export const stateColor = (state: string): string | undefined => color(STATE_COLORS[state]);

const REPLICA_PALETTE = ['cyan', 'magenta', 'blue', 'green', 'yellow', 'white'];

/** The same replica always gets the same colour: by its number, else by its name. */
export function replicaColor(replica: string): string | undefined {
  const m = /-(\d+)$/.exec(replica);
  const n = m ? Number(m[1]) - 1 : [...replica].reduce((a, c) => a + c.charCodeAt(0), 0);
  return color(REPLICA_PALETTE[n % REPLICA_PALETTE.length]);
}

export function levelColor(level: string | undefined): string | undefined {
  if (level === 'error' || level === 'fatal') return color('red');
  if (level === 'warn' || level === 'warning') return color('yellow');
  if (level === 'debug' || level === 'trace') return color('gray');
  return undefined;
}

/** Three letters, so a level reads without colour. */
export function levelTag(level: string | undefined): string {
  if (!level) return '   ';
  const tags: Record<string, string> = { error: 'ERR', fatal: 'FTL', warn: 'WRN', warning: 'WRN', info: 'INF', debug: 'DBG', trace: 'TRC' };
  return tags[level] ?? level.slice(0, 3).toUpperCase();
}
