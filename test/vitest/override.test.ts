import { describe, expect, test } from '../../src/vitest/index.ts';
import { HELLO_ENV } from './support.ts';

// The vitest-native way: configure the plain `test`'s simulation for this whole file.
const web = { ...HELLO_ENV.services.web, env: { REPLICA_NAME: '${env:HELLO_NAME:-unset}' } };
test.override('simulation', { environment: { name: 'hello-override', services: { web } }, dir: process.cwd(), env: { HELLO_NAME: 'from-override' } });

describe('test.override configures the plain test for a file', { timeout: 60_000 }, () => {
  test('sim starts the overridden environment with env added to process.env for ${env:...}', async ({ sim, simulation }) => {
    expect(simulation?.environment).toMatchObject({ name: 'hello-override' });
    expect(sim.name).toBe('hello-override');
    const body = await (await fetch(sim.endpoints().loadBalancer!)).text();
    expect(body).toBe('hello from from-override');
    await expect(sim).toRecoverWithin('5s');
  });
});
