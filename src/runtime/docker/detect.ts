/**
 * Finds a working Docker engine the way testcontainers does: a list of
 * strategies tried in order (TESTCONTAINERS_HOST_OVERRIDE aside, testcontainers'
 * own order: DOCKER_HOST or docker.host in ~/.testcontainers.properties, the
 * system socket, the rootless sockets), each pinged with a short timeout so a
 * machine without Docker answers fast. When none works, one error lists why
 * each failed.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { AgentupError } from '../../errors.ts';

export interface EngineCandidate {
  /** Where it came from: `DOCKER_HOST`, `/var/run/docker.sock`, ... */
  strategy: string;
  uri: string;
}

export interface DetectedEngine {
  uri: string;
  strategy: string;
  /** Options for `new Docker(...)`. */
  dockerOptions: Docker.DockerOptions;
  serverVersion: string;
}

export interface DetectionResult {
  engine: DetectedEngine | null;
  /** One line per strategy tried: `DOCKER_HOST=tcp://...: connect ECONNREFUSED`. */
  reasons: string[];
}

export interface DetectOptions {
  env?: NodeJS.ProcessEnv;
  /** Home directory for ~/.testcontainers.properties and ~/.docker; default os.homedir(). */
  home?: string;
  /** The system socket; default /var/run/docker.sock. */
  systemSocket?: string;
  /** Per-candidate ping timeout. Default 1500 ms. */
  timeoutMs?: number;
}

function propertiesDockerHost(home: string): string | undefined {
  try {
    const text = readFileSync(path.join(home, '.testcontainers.properties'), 'utf8');
    return /^\s*docker\.host\s*=\s*(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

export function engineCandidates(options: DetectOptions = {}): EngineCandidate[] {
  const env = options.env ?? process.env;
  const home = options.home ?? os.homedir();
  const list: EngineCandidate[] = [];
  if (env.DOCKER_HOST) list.push({ strategy: 'DOCKER_HOST', uri: env.DOCKER_HOST });
  else {
    const fromProperties = propertiesDockerHost(home);
    if (fromProperties) list.push({ strategy: 'docker.host in ~/.testcontainers.properties', uri: fromProperties });
  }
  const system = options.systemSocket ?? '/var/run/docker.sock';
  list.push({ strategy: 'system socket', uri: `unix://${system}` });
  const rootless = [
    env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'docker.sock') : null,
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
  ].filter((p): p is string => p !== null);
  for (const socket of rootless) list.push({ strategy: 'rootless socket', uri: `unix://${socket}` });
  return list;
}

function optionsOf(uri: string, env: NodeJS.ProcessEnv): Docker.DockerOptions | string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `not a URL (expected unix:///path or tcp://host:port)`;
  }
  if (url.protocol === 'unix:') return { socketPath: url.pathname };
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:';
    const certs = env.DOCKER_CERT_PATH;
    return {
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      protocol: tls ? 'https' : 'http',
      ...(tls && certs ? { ca: readFileSync(path.join(certs, 'ca.pem')), cert: readFileSync(path.join(certs, 'cert.pem')), key: readFileSync(path.join(certs, 'key.pem')) } : {}),
    };
  }
  return `unsupported scheme ${url.protocol} (expected unix:// or tcp://)`;
}

async function tryCandidate(c: EngineCandidate, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DetectedEngine | string> {
  const opts = optionsOf(c.uri, env);
  if (typeof opts === 'string') return opts;
  if (opts.socketPath && !existsSync(opts.socketPath)) return 'no such socket';
  const docker = new Docker({ ...opts, timeout: timeoutMs });
  try {
    const version = await docker.version();
    return { uri: c.uri, strategy: c.strategy, dockerOptions: opts, serverVersion: version.Version };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { statusCode?: number };
    if (e.code === 'EACCES') return 'permission denied (add yourself to the docker group, or use rootless Docker)';
    return e.code ? `${e.code}${e.message.includes(e.code) ? '' : `: ${e.message}`}` : e.message;
  }
}

/**
 * Tries each candidate in order and returns the first that answers. An
 * explicit DOCKER_HOST that fails is not silently replaced by another engine
 * (testcontainers would then use a different one than the user named).
 */
export async function detectDockerEngine(options: DetectOptions = {}): Promise<DetectionResult> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 1500;
  const reasons: string[] = [];
  let explicitFailed = false;
  for (const c of engineCandidates(options)) {
    const result = await tryCandidate(c, env, timeoutMs);
    const label = c.strategy === 'DOCKER_HOST' ? `DOCKER_HOST=${c.uri}` : `${c.uri} (${c.strategy})`;
    if (typeof result === 'string') {
      reasons.push(`${label}: ${result}`);
      if (c.strategy === 'DOCKER_HOST') explicitFailed = true;
      continue;
    }
    if (explicitFailed) {
      reasons.push(`${label}: works, but DOCKER_HOST names another engine; unset DOCKER_HOST to use this one`);
      continue;
    }
    return { engine: result, reasons };
  }
  return { engine: null, reasons };
}

/** The engine, or an AgentupError listing every reason. */
export async function requireDockerEngine(options: DetectOptions = {}): Promise<DetectedEngine> {
  const { engine, reasons } = await detectDockerEngine(options);
  if (engine) return engine;
  throw new AgentupError(`the docker runtime needs a working Docker engine, and none was found:\n${reasons.map((r) => `  - ${r}`).join('\n')}`, {
    hint: 'start Docker (or set DOCKER_HOST to a running engine), or use --runtime process',
  });
}
