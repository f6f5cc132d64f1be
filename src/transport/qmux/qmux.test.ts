import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TransportSession } from '../session.js';
import { TransportError } from '../transport-error.js';
import { QMUX_VERSIONS, QmuxError, connectQmux, type QmuxVersion } from './index.js';
import {
  delay,
  echoOnce,
  echoSession,
  pattern,
  readAll,
  startServer,
  type TestServer,
} from './qmux-test-kit.js';

const TIMEOUT = { timeout: 30_000 };

describe('QMux over WebSocket: @moq/qmux client ↔ HttpFrontend', () => {
  let server: TestServer;
  const clients: TransportSession[] = [];
  const connect = async (options: Parameters<typeof connectQmux>[1] = {}) => {
    const session = await connectQmux(server.url(), options);
    clients.push(session);
    return session;
  };

  before(async () => {
    server = await startServer(echoSession, { supportedProtocols: ['echo'] });
  });

  after(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  test('session opens and the application protocol is negotiated', TIMEOUT, async () => {
    const client = await connect({ protocols: ['moq-test-1', 'echo'] });
    await client.ready;
    assert.equal(client.protocol, 'echo');
    const accepted = server.accepted.at(-1);
    assert.ok(accepted);
    assert.equal(accepted.session.protocol, 'echo');
    assert.equal(accepted.request.transport, 'qmux');
    // The bare versions offered too show as '': no application protocol is acceptable as well.
    assert.deepEqual(accepted.request.offeredProtocols, ['moq-test-1', 'echo', '']);
    assert.equal(accepted.request.url.pathname, '/moq');
    assert.equal(accepted.request.url.host, `127.0.0.1:${server.frontend.port}`);
    assert.equal(accepted.request.remoteAddress, '127.0.0.1');
    assert.equal(accepted.stats(), undefined);
  });

  test('a ws:// URL works too, and a bare offer negotiates no protocol', TIMEOUT, async () => {
    const client = await connectQmux(`ws://127.0.0.1:${server.frontend.port}/x`);
    clients.push(client);
    assert.equal(client.protocol, '');
    assert.equal(server.accepted.at(-1)?.session.protocol, '');
  });

  for (const version of QMUX_VERSIONS) {
    test(
      `${version}: bidi echo, and datagrams only where the draft has them`,
      TIMEOUT,
      async () => {
        const client = await connect({ protocols: ['echo'], versions: [version] });
        assert.equal(client.protocol, 'echo');
        const data = pattern(5000, 7);
        assert.deepEqual(await echoOnce(client, data), data);
        await checkDatagrams(client, version);
      },
    );
  }

  test('uni streams flow both ways', TIMEOUT, async () => {
    const client = await connect({ protocols: ['echo'] });
    const incoming = client.incomingUnidirectionalStreams.getReader();
    const writer = (await client.createUnidirectionalStream()).getWriter();
    const data = pattern(40_000, 3);
    await writer.write(data);
    await writer.close();
    const { value } = await incoming.read();
    assert.ok(value);
    assert.deepEqual(await readAll(value), data);
  });

  test('200 concurrent bidi streams each echo 10 KB', TIMEOUT, async () => {
    const client = await connect({ protocols: ['echo'] });
    const replies = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const data = pattern(10 * 1024, i);
        return { data, reply: await echoOnce(client, data) };
      }),
    );
    for (const { data, reply } of replies) assert.deepEqual(reply, data);
  });

  test('3 MB on one stream arrives intact (flow control windows refill)', TIMEOUT, async () => {
    const client = await connect({ protocols: ['echo'] });
    const data = pattern(3 * 1024 * 1024, 11);
    const reply = await echoOnce(client, data);
    assert.equal(reply.byteLength, data.byteLength);
    assert.ok(Buffer.from(reply).equals(data));
  });
});

async function checkDatagrams(client: TransportSession, version: QmuxVersion): Promise<void> {
  if (version === 'qmux-00') {
    // draft-00 has no record layer, so @moq/qmux does not offer datagrams on it.
    assert.equal(client.datagrams.maxDatagramSize, 0);
    return;
  }
  // The limit comes with the peer's transport parameters, which may still be in flight.
  for (let i = 0; i < 400 && client.datagrams.maxDatagramSize === 0; i++) await delay(5);
  assert.ok(
    client.datagrams.maxDatagramSize > 1000,
    `maxDatagramSize ${client.datagrams.maxDatagramSize}`,
  );
  const reader = client.datagrams.readable.getReader();
  const writer = client.datagrams.writable.getWriter();
  await writer.write(pattern(1000, 5));
  const { value } = await reader.read();
  assert.deepEqual(value, pattern(1000, 5));
  reader.releaseLock();
  writer.releaseLock();
}

describe('QMux: resets and closes reach the other side', () => {
  let server: TestServer;
  const seen: TransportSession[] = [];

  before(async () => {
    server = await startServer(({ session }) => seen.push(session));
  });
  after(() => server.close());

  const nextServerSession = async (): Promise<TransportSession> => {
    for (let i = 0; i < 100 && seen.length === 0; i++) await delay(10);
    const session = seen.shift();
    assert.ok(session, 'no server session');
    return session;
  };

  test('a client reset carries its code to the server, and back', TIMEOUT, async () => {
    const client = await connectQmux(server.url());
    const remote = await nextServerSession();
    const stream = await client.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(pattern(100));
    const incoming = await remote.incomingBidirectionalStreams.getReader().read();
    assert.ok(incoming.value);
    const serverReader = incoming.value.readable.getReader();
    assert.equal((await serverReader.read()).value?.byteLength, 100);
    await writer.abort(new TransportError('client gives up', 'stream', 42));
    await assert.rejects(
      serverReader.read(),
      (e: { streamErrorCode?: number }) => e.streamErrorCode === 42,
    );

    const serverWriter = incoming.value.writable.getWriter();
    await serverWriter.write(pattern(10));
    await serverWriter.abort(new TransportError('server gives up', 'stream', 7));
    const clientReader = stream.readable.getReader();
    await assert.rejects(
      (async () => {
        for (;;) if ((await clientReader.read()).done) return;
      })(),
      (e: { streamErrorCode?: number }) => e.streamErrorCode === 7,
    );
    client.close();
  });

  test('closing with code and reason is seen by the peer, either way', TIMEOUT, async () => {
    const client = await connectQmux(server.url());
    const remote = await nextServerSession();
    client.close({ closeCode: 4242, reason: 'bye from client' });
    client.close();
    assert.deepEqual(await remote.closed, { closeCode: 4242, reason: 'bye from client' });

    const second = await connectQmux(server.url());
    const remote2 = await nextServerSession();
    remote2.close({ closeCode: 7, reason: 'bye from server' });
    assert.deepEqual(await second.closed, { closeCode: 7, reason: 'bye from server' });
  });

  test('closing the frontend closes live sessions', TIMEOUT, async () => {
    const other = await startServer(() => undefined);
    const client = await connectQmux(other.url());
    await other.close();
    const info = await client.closed;
    assert.equal(info.reason, 'server shutting down');
  });
});

describe('QMux over TLS (wss)', () => {
  test('a session over HTTPS echoes, trusting the server certificate', TIMEOUT, async () => {
    const server = await startServer(echoSession, { tls: true, supportedProtocols: ['echo'] });
    try {
      const client = await connectQmux(server.url(), {
        protocols: ['echo'],
        ca: server.certificates.current().certPem,
      });
      assert.equal(client.protocol, 'echo');
      assert.equal(server.accepted.at(-1)?.request.url.protocol, 'https:');
      assert.deepEqual(await echoOnce(client, pattern(100_000)), pattern(100_000));
      client.close();
    } finally {
      await server.close();
    }
  });

  test('an untrusted certificate is a typed handshake failure', TIMEOUT, async () => {
    const server = await startServer(echoSession, { tls: true });
    try {
      await assert.rejects(
        connectQmux(server.url()),
        (e: unknown) => e instanceof QmuxError && e.code === 'HANDSHAKE_FAILED',
      );
    } finally {
      await server.close();
    }
  });
});
