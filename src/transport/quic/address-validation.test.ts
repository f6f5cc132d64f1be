// Address validation under a handshake flood (RFC 9000 §8.1): real quiche Initials from many
// scripted clients that never finish, sent from other loopback addresses, against a real
// endpoint; a real client connects meanwhile, and the bytes sent to the flooding addresses stay
// within three times what they sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it, test } from 'node:test';
import { until } from '../../async/index.js';
import { generateCertificate } from '../cert/index.js';
import { AddressValidator } from './address-validation.js';
import { QuicServerEndpoint, connectQuic, createQuicheConfig } from './index.js';
import { quiche } from './quiche.js';

test('a Retry token is good for its own address and CID, for a while, and never forged', () => {
  const validator = new AddressValidator({ tokenLifetimeMs: 10_000 });
  const odcid = randomBytes(20);
  const from = { host: '127.0.0.2', port: 5000 };
  const token = validator.token(from, odcid, 1000);
  assert.deepEqual(validator.validate(token, from, 2000), new Uint8Array(odcid));
  assert.equal(validator.validate(token, { ...from, port: 5001 }, 2000), undefined, 'other port');
  assert.equal(validator.validate(token, { ...from, host: '127.0.0.3' }, 2000), undefined);
  assert.equal(validator.validate(token, from, 12_000), undefined, 'stale');
  const forged = new Uint8Array(token);
  forged[10] = (forged[10] ?? 0) ^ 1;
  assert.equal(validator.validate(forged, from, 2000), undefined, 'forged');
  assert.equal(validator.validate(new Uint8Array(3), from, 2000), undefined, 'short');
});

/** One scripted client's first flight: a real ClientHello in an Initial, never followed up. */
function initialPacket(serverPort: number, fromHost: string): Uint8Array {
  const config = createQuicheConfig({ alpn: ['x'] }, undefined, false);
  const local = { host: fromHost, port: 40_000 };
  const remote = { host: '127.0.0.1', port: serverPort };
  const conn = quiche.Connection.connect(null, randomBytes(20), local, remote, config);
  const out = new Uint8Array(1500);
  const sent = conn.send(out);
  if (!sent) throw new Error('quiche gave no Initial');
  const [length] = sent;
  return out.slice(0, length);
}

describe('a QUIC endpoint under a handshake flood', () => {
  const FLOODERS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
  const PER_FLOODER = 2600;
  let server: QuicServerEndpoint;
  const sockets: Socket[] = [];

  before(async () => {
    const cert = await generateCertificate({});
    server = await QuicServerEndpoint.listen({
      port: 0,
      config: () =>
        createQuicheConfig({ alpn: ['x'] }, { certPem: cert.certPem, keyPem: cert.keyPem }, false),
      onConnection: () => undefined,
      addressValidation: { retryAbovePending: 50, maxPendingPerAddress: 20 },
    });
  });

  after(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  it('lets a real client in within 2 s and answers the flood with at most 3× its bytes', async () => {
    const counts = FLOODERS.map(() => ({ sentBytes: 0, receivedBytes: 0 }));
    await Promise.all(
      FLOODERS.map(async (host, i) => {
        const socket = createSocket('udp4');
        sockets.push(socket);
        await new Promise<void>((resolve) => socket.bind(0, host, resolve));
        socket.on(
          'message',
          (msg) => ((counts[i] as { receivedBytes: number }).receivedBytes += msg.length),
        );
      }),
    );
    const packets = FLOODERS.map((host) =>
      Array.from({ length: PER_FLOODER }, () => initialPacket(server.port, host)),
    );
    const flood = (async () => {
      for (let n = 0; n < PER_FLOODER; n++) {
        for (const [i, socket] of sockets.entries()) {
          const packet = packets[i]?.[n] as Uint8Array;
          (counts[i] as { sentBytes: number }).sentBytes += packet.length;
          socket.send(packet, server.port, '127.0.0.1');
        }
        if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await until('the flood under way', () => server.stats().packetsReceived > 2000, {
      timeoutMs: 20_000,
    });
    const startedMs = performance.now();
    const client = await connectQuic({
      host: '127.0.0.1',
      port: server.port,
      config: createQuicheConfig({ alpn: ['x'] }, undefined, false),
    });
    await client.established;
    const joinMs = performance.now() - startedMs;
    await flood;
    client.close(0, 'done');
    // Everything sent has been read or dropped by the kernel: wait until the server goes quiet.
    let last = -1;
    let quietSinceMs = performance.now();
    await until(
      'the endpoint quiet',
      () => {
        const now = server.stats().packetsReceived;
        if (now !== last) [last, quietSinceMs] = [now, performance.now()];
        return performance.now() - quietSinceMs > 1000;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const stats = server.stats();
    for (const [i, c] of counts.entries()) {
      const ratio = c.receivedBytes / c.sentBytes;
      console.log(
        `${FLOODERS[i]}: sent ${c.sentBytes} B, got back ${c.receivedBytes} B (${ratio.toFixed(2)}×)`,
      );
      assert.ok(ratio <= 3, `${FLOODERS[i]} got ${ratio.toFixed(2)}× its bytes back`);
    }
    console.log(
      `real client joined in ${joinMs.toFixed(0)} ms; pending ${stats.pendingHandshakes}, ` +
        `retries ${stats.retriesSent}, dropped ${stats.packetsDropped}`,
    );
    assert.ok(joinMs < 2000, `the real client took ${joinMs.toFixed(0)} ms`);
    assert.ok(stats.retriesSent > 0, 'Retry was used');
    assert.ok(stats.pendingHandshakes <= FLOODERS.length * 20, 'per-address caps held');
  });
});
