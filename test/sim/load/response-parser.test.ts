/**
 * The engine's response parser on bytes that real node:http servers sent,
 * fed whole and split at every possible byte boundary.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpParseError, ResponseParser } from '../../../src/sim/load/response-parser.ts';

/** Sends one raw request and returns every byte the server sent until it closed. */
function capture(port: number, request: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Feeds `bytes` in the given pieces; returns the chunk index that completed the response (or -1). */
function feedPieces(parser: ResponseParser, pieces: Buffer[]): number {
  for (let i = 0; i < pieces.length; i++) if (parser.feed(pieces[i]!)) return i;
  return -1;
}

describe('ResponseParser on real node:http responses', { timeout: 30_000 }, () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('hello ');
        res.write('chunked ');
        res.end('world');
      } else if (req.url === '/early') {
        res.writeEarlyHints({ link: '</a.css>; rel=preload' });
        res.writeProcessing();
        res.end('after two interim answers');
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else res.writeHead(201, { 'content-type': 'text/plain', 'content-length': 17 }).end('fixed length body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: Array<[string, string, number]> = [
    ['chunked', 'GET /chunked HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 200],
    ['content-length', 'GET /fixed HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 201],
    ['103 and 102 before the answer', 'GET /early HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 200],
    ['204 without a body', 'GET /empty HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 204],
  ];
  for (const [name, request, status] of cases) {
    it(`${name}: complete on the last byte, whole or split at any byte`, async () => {
      const bytes = await capture(port, request);
      expect(bytes.length).toBeGreaterThan(20);
      for (let cut = 1; cut < bytes.length; cut++) {
        const parser = new ResponseParser();
        parser.expect(false);
        expect(feedPieces(parser, [bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(1);
        expect(parser.status).toBe(status);
        expect(parser.keepAlive).toBe(false); // we asked for connection: close
      }
      const oneByOne = new ResponseParser();
      oneByOne.expect(false);
      const pieces = [...bytes].map((b) => Buffer.from([b]));
      expect(feedPieces(oneByOne, pieces)).toBe(pieces.length - 1);
      expect(oneByOne.status).toBe(status);
    });
  }

  it('a HEAD answer declares a length but has no body', async () => {
    const bytes = await capture(port, 'HEAD /fixed HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(bytes.toString('latin1')).toMatch(/^HTTP\/1\.1 201 Created\r\n[^]*content-length: 17\r\n/i);
    const parser = new ResponseParser();
    parser.expect(true);
    expect(parser.feed(bytes)).toBe(true);
    expect(parser.status).toBe(201);
    // Read as the answer to a GET, the same bytes wait for 17 body bytes that never come.
    parser.expect(false);
    expect(parser.feed(bytes)).toBe(false);
    expect(parser.finishOnEof()).toBe(false);
  });

  it('reads keep-alive and its timeout hint from a real keep-alive answer', async () => {
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /fixed HTTP/1.1\r\nhost: x\r\n\r\n'));
      socket.once('data', (c) => {
        socket.destroy();
        resolve(c);
      });
      socket.on('error', reject);
    });
    const parser = new ResponseParser();
    parser.expect(false);
    expect(parser.feed(bytes)).toBe(true);
    expect(parser).toMatchObject({ status: 201, keepAlive: true, keepAliveTimeoutS: server.keepAliveTimeout / 1000 });
  });

  it('a body without a length ends with the connection; malformed heads are parse errors', () => {
    const parser = new ResponseParser();
    parser.expect(false);
    expect(parser.feed(Buffer.from('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close'))).toBe(false);
    expect(parser.finishOnEof()).toBe(true);
    expect(parser).toMatchObject({ status: 200, keepAlive: false });
    parser.expect(false);
    expect(() => parser.feed(Buffer.from('SMTP ready\r\n\r\n'))).toThrow(HttpParseError);
    parser.expect(false);
    expect(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/bad chunk size 'zz'/);
    parser.expect(false);
    expect(() => parser.feed(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n'))).toThrow(/bad content-length/);
  });
});
