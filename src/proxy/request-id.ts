import { randomBytes } from 'node:crypto';

/**
 * Request ids shaped like the xid values Toxiproxy's zerolog middleware puts in
 * X-Toxiproxy-Request-Id: 20 characters of base32hex over time, machine,
 * process and a counter.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const machine = randomBytes(3);
let counter = randomBytes(3).readUIntBE(0, 3);

export function newRequestId(): string {
  const raw = Buffer.alloc(12);
  raw.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  machine.copy(raw, 4);
  raw.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  raw.writeUIntBE(counter, 9, 3);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of raw) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
