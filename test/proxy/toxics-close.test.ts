import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, readBytes, waitForClose } from './support/echo-server.ts';
import { roundTripMs, startRig, type Rig } from './support/setup.ts';

/** Toxics that drop data or end connections: timeout, reset_peer, limit_data, and disabling a proxy. */
describe('closing toxics', { timeout: 30_000 }, () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  it('timeout swallows data and closes after `timeout` ms without a chunk', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'timeout', attributes: { timeout: 200 } });
    const got: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => got.push(chunk));
    socket.write('lost');
    const closed = await waitForClose(socket);
    expect(Buffer.concat(got).length).toBe(0);
    expect(closed.afterMs).toBeGreaterThanOrEqual(190); // timers: 10 ms early at worst (started before the write)
    expect(closed.afterMs).toBeLessThan(200 + 400); // margin: 400 ms
  });

  it('timeout 0 holds the connection; removing the toxic closes it', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'timeout', attributes: { timeout: 0 } });
    socket.write('held');
    const closed = waitForClose(socket);
    const early = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 300))]);
    expect(early).toBe('open');
    rig.server.engine.removeToxic('echo', 'timeout_downstream');
    expect((await closed).how).toBe('end');
  });

  it('reset_peer closes with a real TCP RST: the client reads ECONNRESET', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'reset_peer', attributes: { timeout: 100 } });
    const closed = waitForClose(socket);
    socket.write('boom');
    const result = await closed;
    expect(result.how).toBe('ECONNRESET');
    expect(result.afterMs).toBeGreaterThanOrEqual(99);
  });

  it('limit_data cuts exactly at the limit, then closes', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'limit_data', attributes: { bytes: 42 } });
    const received = readBytes(socket, 1_000);
    socket.write(Buffer.alloc(30, 1));
    await new Promise((r) => setTimeout(r, 50));
    socket.write(Buffer.alloc(70, 2));
    const data = await received; // resolves on end
    expect(data.length).toBe(42);
    expect(data.subarray(0, 30).every((b) => b === 1)).toBe(true);
    expect(data.subarray(30).every((b) => b === 2)).toBe(true);
  });

  it('limit_data with bytes 0 closes on the first chunk', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 0 } });
    const received = readBytes(socket, 1_000);
    socket.write('x');
    expect((await received).length).toBe(0);
  });

  it('toxicity 0 never applies and toxicity 1 always does', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'latency', toxicity: 0, attributes: { latency: 300 } });
    expect(await roundTripMs(socket)).toBeLessThan(250); // margin: 250 ms against a 300 ms toxic
    rig.server.engine.updateToxic('echo', 'latency_downstream', { toxicity: 1 });
    expect(await roundTripMs(socket)).toBeGreaterThanOrEqual(299.5);
  });

  it('disabling closes the listener and every connection, keeps toxics; enabling listens again', async () => {
    const socket = await rig.connect();
    rig.server.engine.addToxic('echo', { type: 'noop' });
    const closed = waitForClose(socket);
    const info = await rig.server.engine.updateProxy('echo', { enabled: false });
    expect(info.toxics).toHaveLength(1);
    await closed;
    await expect(connect(rig.listenPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await rig.server.engine.updateProxy('echo', { enabled: true });
    const again = await rig.connect();
    expect(await roundTripMs(again)).toBeGreaterThan(0);
  });

  it('a failed upstream dial closes the client right after accept', async () => {
    await rig.server.engine.updateProxy('echo', { upstream: '127.0.0.1:1' });
    const socket = await rig.connect();
    const closed = await waitForClose(socket);
    expect(['end', 'ECONNRESET']).toContain(closed.how);
  });

  it('counts bytes and connections per proxy and direction', async () => {
    const socket = await rig.connect();
    await roundTripMs(socket, 'hello');
    const stats = rig.server.engine.stats('echo');
    expect(stats.upstreamBytes).toEqual({ receivedBytes: 5, sentBytes: 5 });
    expect(stats.downstreamBytes).toEqual({ receivedBytes: 5, sentBytes: 5 });
    expect(stats.connectionsOpen).toBe(1);
    expect(stats.connectionsTotal).toBe(1);
  });
});
