/**
 * What a replica inherits from the user's shell. Production processes get a
 * small, explicit environment, so only what a process needs to run at all is
 * passed on; everything else must be declared in the environment file.
 */
const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'SYSTEMROOT'];

export function inheritedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
