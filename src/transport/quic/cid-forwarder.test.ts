import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { until } from '../../async/index.js';
import { CidForwarder, FORWARD_SECRET_BYTES } from './cid-forwarder.js';
import type { HostPort } from './quiche.js';

describe('CidForwarder', () => {
  const secret = randomBytes(FORWARD_SECRET_BYTES);
  let from: CidForwarder;
  let to: CidForwarder;
  const got: Array<{ packet: Buffer; peer: HostPort }> = [];

  before(async () => {
    from = await CidForwarder.bind(secret);
    to = await CidForwarder.bind(secret);
    from.setPeers(new Map([[1, to.port]]));
    to.onPacket((packet, peer) => got.push({ packet: Buffer.from(packet), peer }));
  });

  after(() => {
    from.close();
    to.close();
  });

  it("hands a packet to the sibling named, with the peer's address (IPv4 and IPv6)", async () => {
    got.length = 0;
    const packet = randomBytes(1200);
    assert.ok(from.forward(1, packet, { host: '203.0.113.7', port: 4433 }));
    assert.ok(from.forward(1, packet.subarray(0, 40), { host: '2001:db8::1', port: 65535 }));
    await until('both packets', () => got.length === 2 || undefined, { timeoutMs: 10_000 });
    assert.deepEqual(got[0], { packet, peer: { host: '203.0.113.7', port: 4433 } });
    assert.deepEqual(got[1], {
      packet: packet.subarray(0, 40),
      peer: { host: '2001:db8::1', port: 65535 },
    });
  });

  it('does not forward to a sibling it does not know, nor to itself', () => {
    assert.equal(from.forward(2, randomBytes(100), { host: '198.51.100.1', port: 1 }), false);
    to.setPeers(new Map([[1, to.port]]));
    assert.equal(to.forward(1, randomBytes(100), { host: '198.51.100.1', port: 1 }), false);
  });

  it('drops what lacks the secret or its framing, and goes on forwarding', async () => {
    got.length = 0;
    const stranger = await CidForwarder.bind(randomBytes(FORWARD_SECRET_BYTES));
    stranger.setPeers(new Map([[1, to.port]]));
    stranger.forward(1, randomBytes(100), { host: '198.51.100.1', port: 1 });
    const raw = createSocket('udp4');
    const bad = [
      randomBytes(300), // no secret
      Buffer.concat([secret, Buffer.from([200]), randomBytes(10)]), // address past the end
      Buffer.concat([secret, Buffer.from([3]), Buffer.from('abc'), Buffer.from([0, 1, 9])]),
      secret.subarray(0, 8),
    ];
    for (const datagram of bad) {
      await new Promise((resolve) => raw.send(datagram, to.port, '127.0.0.1', resolve));
    }
    raw.close();
    await until('all five refused', () => to.stats.refused >= 5 || undefined, {
      timeoutMs: 10_000,
    });
    stranger.close();
    assert.equal(got.length, 0);
    assert.ok(from.forward(1, Buffer.from('after'), { host: '192.0.2.1', port: 443 }));
    await until('the good one', () => got.length === 1 || undefined, { timeoutMs: 10_000 });
    assert.equal(got[0]?.packet.toString(), 'after');
  });

  it('refuses a secret of the wrong size', async () => {
    await assert.rejects(CidForwarder.bind(randomBytes(8)), RangeError);
  });
});
