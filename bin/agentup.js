#!/usr/bin/env node
// agentup ships its TypeScript sources and runs them through tsx's loader, so
// `npx agentup` works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
