import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CertificateStore } from './cert/index.js';
import { connectQmux } from './qmux/index.js';
import type { AcceptedSession, TransportSession } from './session.js';
import { patternBytes, readAll, serveEcho, writeAll } from './testing/index.js';
import { TransportServer } from './transport-server.js';
import { connectWebTransport } from './webtransport/index.js';

async function echoes(session: TransportSession, seed: number): Promise<boolean> {
  const stream = await session.createBidirectionalStream();
  const sent = patternBytes(20_000, seed);
  const [, echoed] = await Promise.all([writeAll(stream.writable, sent), readAll(stream.readable)]);
  return Buffer.compare(Buffer.from(echoed), Buffer.from(sent)) === 0;
}

async function fetchHash(port: number): Promise<{ hash: string; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${port}/certificate.sha256`);
  return { hash: await response.text(), headers: response.headers };
}

describe('one port, two protocols', () => {
  let server: TransportServer;
  const accepted: AcceptedSession[] = [];

  before(async () => {
    // Short-lived certificates so rotation happens during the test.
    const certificates = await CertificateStore.create({ validityMs: 4000, rotateBeforeMs: 3000 });
    server = await TransportServer.listen({ port: 0, certificates, protocols: ['echo-1'] });
    void (async () => {
      for (let s = await server.accept(); s; s = await server.accept()) {
        accepted.push(s);
        serveEcho(s.session);
      }
    })();
  });

  after(async () => {
    await server.close();
    server.certificates.close();
  });

  test('QUIC and WebSocket sessions on the same port number, through one accept()', async () => {
    const { hash, headers } = await fetchHash(server.port);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.match(headers.get('cache-control') ?? '', /no-store/);
    const quic = await connectWebTransport(`https://127.0.0.1:${server.port}/a`, {
      serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(hash, 'hex') }],
      protocols: ['echo-1'],
    });
    const ws = await connectQmux(`http://127.0.0.1:${server.port}/b`, { protocols: ['echo-1'] });
    assert.equal(quic.protocol, 'echo-1');
    assert.equal(ws.protocol, 'echo-1');
    assert.ok(await echoes(quic, 1));
    assert.ok(await echoes(ws, 2));
    const kinds = accepted.map((s) => `${s.request.transport} ${s.request.url.pathname}`);
    assert.deepEqual(kinds.sort(), ['qmux /b', 'webtransport /a']);
    assert.equal(accepted.find((s) => s.request.transport === 'qmux')?.stats(), undefined);
    assert.ok(accepted.find((s) => s.request.transport === 'webtransport')?.stats());
    quic.close();
    ws.close();
  });

  test('certificate rotation keeps open sessions and serves the new hash', async () => {
    const { hash: before } = await fetchHash(server.port);
    const open = await connectWebTransport(`https://127.0.0.1:${server.port}/old`, {
      serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(before, 'hex') }],
    });
    const rotated = new Promise((resolve) => server.certificates.onRotate(resolve));
    await rotated;
    const { hash: after } = await fetchHash(server.port);
    assert.notEqual(after, before);
    assert.equal(after, server.certificates.current().sha256Hex);
    assert.ok(await echoes(open, 3), 'the session opened before rotation still works');
    const fresh = await connectWebTransport(`https://127.0.0.1:${server.port}/new`, {
      serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(after, 'hex') }],
    });
    assert.ok(await echoes(fresh, 4));
    await assert.rejects(
      connectWebTransport(`https://127.0.0.1:${server.port}/stale`, {
        serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(before, 'hex') }],
      }),
      /certificate hash mismatch/,
    );
    open.close();
    fresh.close();
  });
});
