import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { until } from '../../async/index.js';
import { generateCertificate } from '../cert/index.js';
import { CidForwarder, FORWARD_SECRET_BYTES } from './cid-forwarder.js';
import { QuicServerEndpoint, connectQuic, createQuicheConfig } from './index.js';
import { ALPN, LossyPath, ReceivedDigest, echoStreams, payload, sha256 } from './quic-test-kit.js';

/**
 * Two endpoints as two workers sharing a port would be: a client whose packets start reaching
 * the other one (the kernel re-hashed its flow) keeps its connection, through the forwarder.
 */
describe('QUIC connection-ID routing between sibling endpoints', { timeout: 60_000 }, () => {
  const secret = randomBytes(FORWARD_SECRET_BYTES);
  const forwarders: CidForwarder[] = [];
  const endpoints: QuicServerEndpoint[] = [];

  before(async () => {
    const cert = await generateCertificate({});
    const config = (): ReturnType<typeof createQuicheConfig> =>
      createQuicheConfig({ alpn: [ALPN] }, { certPem: cert.certPem, keyPem: cert.keyPem }, false);
    for (const id of [0, 1]) {
      const forwarder = await CidForwarder.bind(secret);
      forwarders.push(forwarder);
      endpoints.push(
        await QuicServerEndpoint.listen({
          port: 0,
          config,
          routing: { id, forwarder },
          onConnection: (connection) => echoStreams(connection),
        }),
      );
    }
    const ports = new Map(forwarders.map((f, id) => [id, f.port]));
    for (const forwarder of forwarders) forwarder.setPeers(ports);
  });

  after(async () => {
    for (const endpoint of endpoints) await endpoint.close();
    for (const forwarder of forwarders) forwarder.close();
  });

  test('a connection whose packets reach the sibling carries on: they are passed on', async () => {
    const [home, sibling] = endpoints as [QuicServerEndpoint, QuicServerEndpoint];
    const path = await LossyPath.open(home.port);
    const client = await connectQuic({
      host: '127.0.0.1',
      port: path.port,
      config: createQuicheConfig({ alpn: [ALPN] }, undefined, false),
    });
    try {
      await client.established;
      path.retarget(sibling.port);
      const data = payload(256 * 1024);
      const received = new ReceivedDigest(client);
      const streamId = await client.openStream(true, data.subarray(0, 1000));
      await client.write(streamId, data.subarray(1000), true);
      await until('the echo back', () => received.done || undefined, { timeoutMs: 30_000 });
      assert.equal(received.digest(), sha256(data));
      assert.ok((forwarders[1]?.stats.forwarded ?? 0) > 0, 'the sibling passed packets on');
      assert.equal(sibling.stats().packetsForwarded, forwarders[1]?.stats.forwarded);
      assert.equal(sibling.stats().connections, 0, 'and took no connection of its own');
      assert.equal(home.stats().connections, 1);
    } finally {
      client.close(0, 'done');
      path.close();
    }
  });

  test('a packet naming a sibling that does not know it either is dropped, not sent back', async () => {
    const [home, sibling] = endpoints as [QuicServerEndpoint, QuicServerEndpoint];
    const before = {
      forwardedHome: forwarders[0]?.stats.forwarded ?? 0,
      forwardedSibling: forwarders[1]?.stats.forwarded ?? 0,
      droppedSibling: sibling.stats().packetsDropped,
    };
    // A short-header packet (first bit 0) for connection ID 0x01…: the sibling's, unknown there.
    const packet = Buffer.concat([Buffer.from([0x40, 1]), randomBytes(19), randomBytes(60)]);
    const socket = createSocket('udp4');
    await new Promise((resolve) => socket.send(packet, home.port, '127.0.0.1', resolve));
    socket.close();
    await until(
      'the sibling to drop it',
      () => sibling.stats().packetsDropped > before.droppedSibling || undefined,
    );
    assert.equal(forwarders[0]?.stats.forwarded, before.forwardedHome + 1);
    assert.equal(forwarders[1]?.stats.forwarded, before.forwardedSibling, 'not sent back');
  });
});
