/**
 * The entry point of agentup's fault proxy image (see proxy-image.ts): the
 * same server as `agentup toxiproxy`, bundled alone into one file. Inside a
 * container the API and proxies must listen on every interface, since the
 * only way in is the container's network; the host side still reaches it
 * only through ports published on 127.0.0.1.
 */
import { setEmptyListenHost } from '../../proxy/address.ts';
import { startFaultProxy, TOXIPROXY_VERSION } from '../../proxy/index.ts';

function integerEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`${name} must be a whole number, got '${text}'`);
  return Number(text);
}

// As toxiproxy-server does: an empty listen host (`:6379`) means every interface.
setEmptyListenHost('0.0.0.0');
const server = await startFaultProxy({
  host: '0.0.0.0',
  port: integerEnv('AGENTUP_PROXY_API_PORT') ?? 8474,
  seed: integerEnv('AGENTUP_PROXY_SEED'),
  metrics: process.env.AGENTUP_PROXY_METRICS === 'true',
});
process.stdout.write(`agentup fault proxy: Toxiproxy ${TOXIPROXY_VERSION} API on ${server.url} (seed ${server.engine.seed})\n`);

// PID 1 in a container gets no default signal handling: without these, `docker stop` waits for its timeout.
for (const name of ['SIGTERM', 'SIGINT'] as const) {
  process.once(name, () => {
    process.stdout.write(`agentup fault proxy: ${name}, closing every listener and connection\n`);
    void server.close().then(() => process.exit(0));
  });
}
