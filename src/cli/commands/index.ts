import type { Command } from '../main.ts';
import { loadCommand } from './load.ts';
import { runCommand } from './run.ts';
import { simCommand } from './sim.ts';
import { toxiproxyCommand } from './toxiproxy.ts';
import { upCommand } from './up.ts';
import { validateCommand } from './validate.ts';

/** Every CLI command, listed explicitly (no import side effects), in the order `--help` shows them. */
export const commands: Command[] = [simCommand, upCommand, runCommand, loadCommand, validateCommand, toxiproxyCommand];
