import type { Command } from '../main.ts';

/** Every CLI command, listed explicitly (no import side effects). */
export const commands: Command[] = [];
commands.push((await import('./validate.ts')).validateCommand);
