import type { Command } from '../main.ts';
import { upCommand } from './up.ts';
import { toxiproxyCommand } from './toxiproxy.ts';
import { validateCommand } from './validate.ts';

/** Every CLI command, listed explicitly (no import side effects). */
export const commands: Command[] = [validateCommand, upCommand, toxiproxyCommand];
