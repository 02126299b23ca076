/**
 * The real CLI with `run` available: the lead registers runCommand in
 * src/cli/commands/index.ts; until then this adds it, so the tests drive the
 * same main() a user runs. Spawned as `node --import tsx <this file> run ...`.
 */
import { main } from '../../../src/cli/main.ts';
import { commands } from '../../../src/cli/commands/index.ts';
import { runCommand } from '../../../src/cli/commands/run.ts';

if (!commands.some((c) => c.name === 'run')) commands.push(runCommand);
process.exitCode = await main(process.argv.slice(2));
