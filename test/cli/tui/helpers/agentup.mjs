#!/usr/bin/env node
// bin/agentup.js, plus `sim` until the lead lists it in src/cli/commands/index.ts
// (the command list is not this test's to edit). Once listed, this adds nothing.
import { register } from 'tsx/esm/api';

register();
const { commands } = await import('../../../../src/cli/commands/index.ts');
const { simCommand } = await import('../../../../src/cli/commands/sim.ts');
if (!commands.some((c) => c.name === 'sim')) commands.push(simCommand);
const { main } = await import('../../../../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
