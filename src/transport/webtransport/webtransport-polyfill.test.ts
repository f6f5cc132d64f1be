import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Connection } from '@moq/lite';
import WebSocket from 'ws';
import type { AcceptedSession } from '../session.js';
import { patternBytes, readAll, serveEcho, writeAll } from '../testing/index.js';
import { TransportServer } from '../transport-server.js';
import { CopyingSession, NodeWebTransport, installWebTransportPolyfill } from './index.js';

let server: TransportServer;
const accepted: AcceptedSession[] = [];

const hashes = (): WebTransportHash[] => [
  { algorithm: 'sha-256', value: Buffer.from(server.certificates.current().sha256Hex, 'hex') },
];

/** Echo on /echo; everything else gets the @moq/lite server half of the MoQ handshake. */
async function serve(session: AcceptedSession): Promise<void> {
  accepted.push(session);
  if (session.request.url.pathname === '/echo') {
    serveEcho(session.session);
    return;
  }
  // Our server streams keep written chunks by reference; @moq/lite reuses its buffers.
  const connection = await Connection.accept(
    new CopyingSession(session.session),
    session.request.url,
  );
  await connection.closed;
}

before(async () => {
  // @moq/lite races WebTransport against WebSocket; give the race a real second runner.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  server = await TransportServer.listen({ port: 0, protocols: ['moql', 'echo-1'] });
  void (async () => {
    for (let s = await server.accept(); s; s = await server.accept())
      serve(s).catch(() => undefined);
  })();
});

after(async () => {
  await server.close();
});

describe('NodeWebTransport', () => {
  test('streams and datagrams work when touched before ready', async () => {
    const transport = new NodeWebTransport(`https://127.0.0.1:${server.port}/echo`, {
      serverCertificateHashes: hashes(),
      protocols: ['echo-1'],
      congestionControl: 'low-latency',
      allowPooling: false,
    });
    assert.equal(transport.protocol, '', 'no protocol before the handshake');
    // All of this starts before `ready`, as browser code often does.
    const incomingUni = transport.incomingUnidirectionalStreams.getReader();
    const datagramReader = transport.datagrams.readable.getReader();
    const bidi = transport.createBidirectionalStream();
    const datagramWriter = transport.datagrams.writable.getWriter();
    const datagramSent = datagramWriter.write(new Uint8Array([7, 7, 7]));
    await transport.ready;
    assert.equal(transport.protocol, 'echo-1');

    const sent = patternBytes(50_000, 3);
    const stream = await bidi;
    const [, echoed] = await Promise.all([
      writeAll(stream.writable, sent),
      readAll(stream.readable),
    ]);
    assert.deepEqual(echoed, sent);

    await writeAll(await transport.createUnidirectionalStream(), patternBytes(1000, 9));
    const back = await incomingUni.read();
    assert.ok(!back.done && back.value);
    assert.deepEqual(await readAll(back.value), patternBytes(1000, 9));

    await datagramSent;
    const datagram = await datagramReader.read();
    assert.deepEqual(datagram.value, new Uint8Array([7, 7, 7]));
    assert.ok(transport.datagrams.maxDatagramSize > 1000);

    transport.close({ closeCode: 5, reason: 'done' });
    const info = await transport.closed;
    assert.equal(info.closeCode, 5);
  });

  test('write() copies the bytes, so a reused buffer is sent as it was (W3C)', async () => {
    const transport = new NodeWebTransport(`https://127.0.0.1:${server.port}/echo`, {
      serverCertificateHashes: hashes(),
    });
    const stream = await transport.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    const scratch = new Uint8Array(1);
    // As @moq/lite does: one scratch buffer, rewritten right after each write resolves.
    for (let i = 0; i < 200; i++) {
      scratch[0] = i;
      await writer.write(scratch);
    }
    await writer.close();
    const echoed = await readAll(stream.readable);
    assert.deepEqual(
      [...echoed],
      Array.from({ length: 200 }, (_, i) => i),
    );
    transport.close();
  });

  test('close() before ready rejects ready and closed', async () => {
    const transport = new NodeWebTransport(`https://127.0.0.1:${server.port}/echo`, {
      serverCertificateHashes: hashes(),
    });
    transport.close();
    await assert.rejects(transport.ready);
    await assert.rejects(transport.closed);
  });

  test('a wrong certificate hash fails the handshake through ready', async () => {
    const transport = new NodeWebTransport(`https://127.0.0.1:${server.port}/echo`, {
      serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(32) }],
    });
    await assert.rejects(transport.ready, /hash mismatch/);
    await assert.rejects(transport.incomingBidirectionalStreams.getReader().read());
  });

  test('a bad URL throws at construction, as in browsers', () => {
    assert.throws(() => new NodeWebTransport('not a url'), TypeError);
  });
});

describe('installWebTransportPolyfill', () => {
  test('@moq/lite connect() picks WebTransport through the polyfill', async (t) => {
    installWebTransportPolyfill();
    assert.equal(globalThis.WebTransport, NodeWebTransport);
    assert.equal(installWebTransportPolyfill(), false, 'a second install changes nothing');
    const logged = t.mock.method(console, 'log');
    // http:// makes @moq/lite fetch /certificate.sha256 and pin it, then dial https://.
    const url = new URL(`http://127.0.0.1:${server.port}/lite`);
    const connection = await Connection.connect(url);
    const lines = logged.mock.calls.map((call) => call.arguments.join(' '));
    assert.ok(
      lines.includes(`${url.toString()} connected via WebTransport`),
      `logged: ${lines.join(' | ')}`,
    );
    const session = accepted.find((s) => s.request.url.pathname === '/lite');
    assert.equal(session?.request.transport, 'webtransport');
    assert.equal(session?.session.protocol, 'moql');
    // 'moql' means version negotiation in SETUP; @moq/lite's server half picks moq-lite-02.
    assert.equal(connection.version, 'moq-lite-02');
    connection.close();
  });
});
