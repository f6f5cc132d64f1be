import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { until } from '../../async/index.js';
import { generateCertificate } from '../cert/index.js';
import {
  QuicError,
  QuicServerEndpoint,
  connectQuic,
  createQuicheConfig,
  type QuicConnection,
} from './index.js';
import { ALPN, LossyPath, ReceivedDigest, echoStreams, payload, sha256 } from './quic-test-kit.js';

/**
 * quiche's timers (loss probes, idle timeout) are driven by one Node timer per connection that
 * may fire early and is re-armed only when quiche wants it sooner: these check that recovery
 * and dead-peer detection still happen through a path that loses packets.
 */
describe('QUIC timers over a lossy path', { timeout: 120_000 }, () => {
  let server: QuicServerEndpoint;

  before(async () => {
    const cert = await generateCertificate({});
    server = await QuicServerEndpoint.listen({
      port: 0,
      config: () =>
        createQuicheConfig(
          { alpn: [ALPN], maxIdleTimeoutMs: 1500 },
          { certPem: cert.certPem, keyPem: cert.keyPem },
          false,
        ),
      onConnection: (connection) => {
        // The server echoes each stream, so both directions cross the lossy path.
        echoStreams(connection);
      },
    });
  });

  after(async () => {
    await server.close();
  });

  async function dial(path: LossyPath): Promise<QuicConnection> {
    const client = await connectQuic({
      host: '127.0.0.1',
      port: path.port,
      config: createQuicheConfig({ alpn: [ALPN], maxIdleTimeoutMs: 1500 }, undefined, false),
    });
    await client.established;
    return client;
  }

  test('a transfer that loses one packet in seven in each direction arrives intact', async () => {
    const path = await LossyPath.open(server.port);
    const client = await dial(path);
    try {
      path.drop = (index) => index % 7 === 3;
      const data = payload(512 * 1024);
      const received = new ReceivedDigest(client);
      const streamId = await client.openStream(true, data.subarray(0, 1000));
      await client.write(streamId, data.subarray(1000), true);
      // Loss probes recover in well under a second here; without timers only the 3 s keepalive
      // would unstick a lost tail (≈ 9 s for this transfer).
      await until('the echo finished', () => received.done, { timeoutMs: 6_000 });
      assert.equal(received.bytes, data.length);
      assert.equal(received.digest(), sha256(data));
      assert.ok(path.dropped > 50, `the path dropped ${path.dropped} packets`);
    } finally {
      client.close(0, 'done');
      path.close();
    }
  });

  test('a peer that goes silent is found gone by the idle timeout, not before', async () => {
    const path = await LossyPath.open(server.port);
    const client = await dial(path);
    try {
      // Traffic first, so quiche's deadline has moved many times before the silence.
      const streamId = await client.openStream(true, payload(64 * 1024));
      await client.write(streamId, new Uint8Array(0), true);
      path.drop = () => true;
      const silentAt = performance.now();
      const error = await client.closed;
      const afterMs = performance.now() - silentAt;
      assert.ok(error instanceof QuicError, `closed with ${String(error)}`);
      assert.equal(error.code, 'TIMEOUT');
      assert.ok(afterMs >= 1400, `closed ${afterMs.toFixed(0)} ms into the silence`);
      assert.ok(afterMs < 15_000, `closed only ${afterMs.toFixed(0)} ms into the silence`);
    } finally {
      path.close();
    }
  });
});
