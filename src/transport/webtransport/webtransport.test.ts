import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateCertificate, type CertificateMaterial } from '../cert/index.js';
import type { AcceptedSession } from '../session.js';
import { patternBytes, readAll, serveEcho, writeAll } from '../testing/index.js';
import { TransportError } from '../transport-error.js';
import { WebTransportServer, connectWebTransport, type ClientSession } from './index.js';

let cert: CertificateMaterial;
let server: WebTransportServer;
const accepted: AcceptedSession[] = [];
const hashes = (): Array<{ algorithm: 'sha-256'; value: Uint8Array }> => [
  { algorithm: 'sha-256', value: Buffer.from(cert.sha256Hex, 'hex') },
];

async function connect(path = '/echo', protocols?: string[]): Promise<ClientSession> {
  return connectWebTransport(`https://127.0.0.1:${server.port}${path}`, {
    serverCertificateHashes: hashes(),
    protocols,
  });
}

before(async () => {
  cert = await generateCertificate();
  server = await WebTransportServer.listen({
    port: 0,
    tls: () => cert,
    protocols: ['echo-2', 'echo-1'],
    policy: (request) => {
      if (request.url.pathname === '/missing') return { accept: false, status: 404 };
      const protocol = request.offeredProtocols.find((p) => p.startsWith('echo')) ?? '';
      return { accept: true, protocol };
    },
  });
  void (async () => {
    for (let s = await server.accept(); s; s = await server.accept()) {
      accepted.push(s);
      if (s.request.url.pathname === '/echo') serveEcho(s.session);
      if (s.request.url.pathname === '/control-first') void answerBehindData(s, 256);
      if (s.request.url.pathname === '/no-order') void answerBehindData(s, undefined);
    }
  })();
});

after(async () => {
  await server.close();
});

const QUEUED_DATA_BYTES = 3_000_000;

/**
 * Queues QUEUED_DATA_BYTES on a unidirectional stream (a group, as MoQ sends one), then answers
 * the client's bidirectional stream (its control stream) with one byte, after giving that
 * stream `sendOrder` (the W3C attribute, as MoQ sets it on its control streams) if one is given.
 */
async function answerBehindData(
  accepted: AcceptedSession,
  sendOrder: number | undefined,
): Promise<void> {
  const bidi = accepted.session.incomingBidirectionalStreams.getReader();
  const { value: control } = await bidi.read();
  if (!control) return;
  const writable = control.writable as WritableStream & { sendOrder: number | null };
  assert.equal(writable.sendOrder, null, 'an accepted stream has no send order of its own');
  if (sendOrder !== undefined) writable.sendOrder = sendOrder;
  await control.readable.getReader().read(); // the client's request
  const data = (await accepted.session.createUnidirectionalStream({ sendOrder: 0 })).getWriter();
  void data.write(patternBytes(QUEUED_DATA_BYTES)).then(() => data.close());
  const answer = control.writable.getWriter();
  await answer.write(new Uint8Array([7]));
}

/**
 * Opens a bidirectional stream at `path` (answerBehindData serves it), and returns the answer
 * with how many of the data bytes queued before it had arrived when it did.
 */
async function answerAfterData(
  path: string,
): Promise<{ answer: number[]; dataBytesAtAnswer: number }> {
  const session = await connect(path);
  try {
    const control = await session.createBidirectionalStream();
    await control.writable.getWriter().write(new Uint8Array([1]));
    let dataBytes = 0;
    const incoming = session.incomingUnidirectionalStreams.getReader();
    const counting = (async () => {
      const { value } = await incoming.read();
      if (!value) return;
      const reader = value.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        dataBytes += chunk.value.byteLength;
      }
    })();
    const answer = await control.readable.getReader().read();
    const dataBytesAtAnswer = dataBytes;
    await counting;
    assert.equal(dataBytes, QUEUED_DATA_BYTES, 'the data arrives whole');
    return { answer: [...(answer.value ?? [])], dataBytesAtAnswer };
  } finally {
    session.close();
  }
}

describe('WebTransport over HTTP/3, Node client and server', () => {
  test('bidi echo and protocol negotiation', async () => {
    const session = await connect('/echo', ['nope', 'echo-1']);
    assert.equal(session.protocol, 'echo-1');
    const stream = await session.createBidirectionalStream();
    const sent = patternBytes(100_000);
    const [, echoed] = await Promise.all([
      writeAll(stream.writable, sent),
      readAll(stream.readable),
    ]);
    assert.deepEqual(echoed, sent);
    const last = accepted.at(-1);
    assert.equal(last?.session.protocol, 'echo-1');
    assert.deepEqual(last?.request.offeredProtocols, ['nope', 'echo-1']);
    assert.ok((last?.stats()?.rttMs ?? -1) >= 0);
    assert.ok((session.stats().bytesSent ?? 0) > 100_000);
    session.close();
  });

  test('a stream given a higher sendOrder after it opened is sent ahead of data queued before it', async () => {
    const { answer, dataBytesAtAnswer } = await answerAfterData('/control-first');
    assert.deepEqual(answer, [7]);
    // The congestion window opens over many round trips: the answer rides one of the first.
    assert.ok(
      dataBytesAtAnswer < QUEUED_DATA_BYTES / 2,
      `${dataBytesAtAnswer} of ${QUEUED_DATA_BYTES} data bytes arrived before the answer`,
    );
  });

  test('a stream without a sendOrder waits behind the data queued before it', async () => {
    const { answer, dataBytesAtAnswer } = await answerAfterData('/no-order');
    assert.deepEqual(answer, [7]);
    assert.ok(
      dataBytesAtAnswer > QUEUED_DATA_BYTES / 2,
      `only ${dataBytesAtAnswer} of ${QUEUED_DATA_BYTES} data bytes arrived before the answer`,
    );
  });

  test('a sendOrder that is not a number is refused, and the stream goes on', async () => {
    const session = await connect('/echo', ['echo-1']);
    const stream = await session.createBidirectionalStream({ sendOrder: 5 });
    const writable = stream.writable as WritableStream & { sendOrder: unknown };
    assert.equal(writable.sendOrder, 5);
    assert.throws(() => (writable.sendOrder = 'first'), TypeError);
    assert.throws(() => (writable.sendOrder = Number.NaN), TypeError);
    assert.equal(writable.sendOrder, 5, 'the order it had');
    const sent = patternBytes(10_000, 7);
    const [, echoed] = await Promise.all([
      writeAll(stream.writable, sent),
      readAll(stream.readable),
    ]);
    assert.deepEqual(echoed, sent);
    session.close();
  });

  test('uni streams both ways', async () => {
    const session = await connect();
    const incoming = session.incomingUnidirectionalStreams.getReader();
    await writeAll(await session.createUnidirectionalStream(), patternBytes(5000, 3));
    const { value } = await incoming.read();
    assert.ok(value);
    assert.deepEqual(await readAll(value), patternBytes(5000, 3));
    session.close();
  });

  test('a stream closed long after its last write still ends cleanly at the peer', async () => {
    const session = await connect();
    const incoming = session.incomingUnidirectionalStreams.getReader();
    const writer = (await session.createUnidirectionalStream()).getWriter();
    await writer.write(patternBytes(3000, 5));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the bytes are acked by now
    await writer.close(); // a FIN with no bytes to ride on
    const { value } = await incoming.read();
    assert.ok(value);
    assert.deepEqual(await readAll(value), patternBytes(3000, 5));
    session.close();
  });

  test('a writer may reuse its buffer as soon as write() resolves', async () => {
    const session = await connect();
    const stream = await session.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    const scratch = new Uint8Array(1);
    const reading = readAll(stream.readable);
    for (let i = 0; i < 200; i++) {
      scratch[0] = i;
      await writer.write(scratch); // one scratch byte rewritten each time, like a varint writer
    }
    await writer.close();
    assert.deepEqual(
      await reading,
      Uint8Array.from({ length: 200 }, (_, i) => i),
    );
    session.close();
  });

  test('a host name is resolved (localhost)', async () => {
    const session = await connectWebTransport(`https://localhost:${server.port}/echo`, {
      serverCertificateHashes: hashes(),
    });
    await session.ready;
    session.close();
    await assert.rejects(
      connectWebTransport(`https://no-such-host.invalid:${server.port}/echo`, {
        serverCertificateHashes: hashes(),
      }),
      /cannot resolve no-such-host\.invalid/,
    );
  });

  test('datagrams echo', async () => {
    const session = await connect();
    assert.ok(session.datagrams.maxDatagramSize > 1000, `max ${session.datagrams.maxDatagramSize}`);
    const writer = session.datagrams.writable.getWriter();
    const reader = session.datagrams.readable.getReader();
    const got = (async () => (await reader.read()).value)();
    // Datagrams may be lost; send a few until one comes back.
    for (let i = 0; i < 5; i++) await writer.write(new TextEncoder().encode('ping'));
    assert.equal(new TextDecoder().decode(await got), 'ping');
    session.close();
  });

  test('1,000 concurrent bidi streams', async () => {
    const session = await connect();
    const results = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const stream = await session.createBidirectionalStream();
        const sent = patternBytes(1000 + i, i);
        const [, echoed] = await Promise.all([
          writeAll(stream.writable, sent),
          readAll(stream.readable),
        ]);
        return Buffer.compare(Buffer.from(echoed), Buffer.from(sent)) === 0;
      }),
    );
    assert.equal(results.filter(Boolean).length, 1000);
    session.close();
  });

  test('stream reset is seen by the peer with its WebTransport error code', async () => {
    const session = await connect('/raw');
    const serverSide = accepted.at(-1)?.session;
    assert.ok(serverSide);
    const incoming = serverSide.incomingBidirectionalStreams.getReader();
    const stream = await session.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(new Uint8Array([1, 2, 3]));
    const { value: peer } = await incoming.read();
    assert.ok(peer);
    const peerReader = peer.readable.getReader();
    assert.deepEqual([...((await peerReader.read()).value ?? [])], [1, 2, 3]);
    await writer.abort(new TransportError('bye', 'stream', 42));
    await assert.rejects(peerReader.read(), (e: unknown) => {
      return e instanceof TransportError && e.source === 'stream' && e.streamErrorCode === 42;
    });
    // And the other way: the server resets its sending side with code 7.
    await peer.writable.abort({ streamErrorCode: 7 });
    await assert.rejects(stream.readable.getReader().read(), (e: unknown) => {
      return e instanceof TransportError && e.streamErrorCode === 7;
    });
    session.close();
  });

  test('session close carries code and reason both ways', async () => {
    const client = await connect('/raw');
    const serverSide = accepted.at(-1)?.session;
    assert.ok(serverSide);
    client.close({ closeCode: 1234, reason: 'bye from client' });
    assert.deepEqual(await serverSide.closed, { closeCode: 1234, reason: 'bye from client' });

    const again = await connect('/raw');
    const serverAgain = accepted.at(-1)?.session;
    assert.ok(serverAgain);
    serverAgain.close({ closeCode: 99, reason: 'bye from server' });
    assert.deepEqual(await again.closed, { closeCode: 99, reason: 'bye from server' });
  });

  test('refused path and wrong certificate fail the handshake with a clear error', async () => {
    await assert.rejects(connect('/missing'), /HTTP 404/);
    await assert.rejects(
      connectWebTransport(`https://127.0.0.1:${server.port}/echo`, {
        serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(32) }],
      }),
      /certificate hash mismatch/,
    );
    const fine = await connect();
    assert.equal(fine.protocol, '');
    fine.close();
  });
});
