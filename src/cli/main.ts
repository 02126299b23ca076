import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AgentupError } from '../errors.ts';
import { commands } from './commands/index.ts';
import { reportError } from './report-error.ts';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>;
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'agentup: run a production-like topology of your service locally and break it on purpose',
    '',
    'Usage: agentup <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `agentup <command> --help` for the options of one command.',
  ].join('\n');
}

/** Runs the CLI and returns the exit code; user errors are printed without a stack. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`agentup: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(parsed as { values: Record<string, unknown>; positionals: string[] });
  } catch (err) {
    return reportError(err);
  }
}

export { AgentupError, reportError };
