/**
 * bin/agentup.js with `load` in the command list even before the lead has
 * registered it in src/cli/commands/index.ts (then this is bin/agentup.js).
 */
import { commands } from '../../../../src/cli/commands/index.ts';
import { loadCommand } from '../../../../src/cli/commands/load.ts';
import { main } from '../../../../src/cli/main.ts';

if (!commands.some((c) => c.name === 'load')) commands.push(loadCommand);
process.exitCode = await main(process.argv.slice(2));
