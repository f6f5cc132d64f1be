import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { TransportSession } from '../session.js';
import { QMUX_VERSIONS, QmuxError, connectQmux } from './index.js';
import {
  closedWithin,
  delay,
  echoOnce,
  echoSession,
  pattern,
  quietly,
  rawSocket,
  startServer,
  upgradeStatus,
  type TestServer,
} from './qmux-test-kit.js';

const TIMEOUT = { timeout: 30_000 };

/**
 * Upgrades over a bare TCP socket, then writes `chunks` raw — bytes that need not be WebSocket
 * frames at all — and hangs up.
 */
function rawTcpSession(port: number, subprotocol: string, chunks: Uint8Array[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.write(
      [
        'GET /moq HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: ${subprotocol}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket.once('data', () => {
      for (const chunk of chunks) socket.write(chunk);
      setTimeout(() => socket.destroy(), 1);
    });
  });
}

describe('QMux: misbehaving clients', () => {
  let server: TestServer;
  const clients: TransportSession[] = [];
  const connect = async () => {
    const session = await connectQmux(server.url(), { protocols: ['echo'] });
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

  test('garbage frames close that session while another keeps echoing', TIMEOUT, async () => {
    const good = await connect();
    await quietly(async () => {
      const bad = await rawSocket(server.url(), 'qmux-00');
      // 0x3e is no QMux frame type: a protocol violation, whatever follows.
      bad.send(Buffer.from([0x3e, 0xde, 0xad, 0xbe, 0xef]));
      for (let i = 0; i < 20; i++) bad.send(Buffer.from(pattern(100 + i, i)));
      assert.ok(await closedWithin(bad, 5000), 'the garbage session was not closed');
    });
    assert.deepEqual(await echoOnce(good, pattern(20_000)), pattern(20_000));
  });

  test(
    'a client dying mid-stream leaves the server and other sessions unharmed',
    TIMEOUT,
    async () => {
      const good = await connect();
      const doomed = await rawSocket(server.url(), 'qmux-00.echo');
      await quietly(async () => {
        doomed.send(Buffer.from(pattern(300, 1)));
        doomed.terminate();
        await delay(20);
      });
      const dying = await connect();
      const stream = await dying.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      await writer.write(pattern(100_000));
      dying.close();
      await dying.closed.catch(() => undefined);
      assert.deepEqual(await echoOnce(good, pattern(1000)), pattern(1000));
    },
  );
});

describe('QMux: refused upgrades', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(echoSession, {
      policy: (req) =>
        req.url.pathname === '/moq'
          ? { accept: true, protocol: req.offeredProtocols[0] ?? '' }
          : { accept: false, status: 404 },
    });
  });
  after(() => server.close());

  test(
    'a WebSocket without a QMux sub-protocol gets HTTP 400 and no session',
    TIMEOUT,
    async () => {
      assert.equal(await upgradeStatus(server.url(), []), 400);
      assert.equal(await upgradeStatus(server.url(), ['webtransport', 'chat']), 400);
      const status = await new Promise<number>((resolve, reject) => {
        request(server.url(), { headers: { connection: 'upgrade', upgrade: 'h2c' } }, (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        })
          .on('error', reject)
          .end();
      });
      assert.equal(status, 400);
      assert.equal(server.accepted.length, 0);
    },
  );

  test(
    'a policy refusing the path answers 404; connectQmux reports it typed',
    TIMEOUT,
    async () => {
      assert.equal(await upgradeStatus(server.url('/elsewhere'), ['qmux-00']), 404);
      await assert.rejects(
        connectQmux(server.url('/elsewhere')),
        (e: unknown) =>
          e instanceof QmuxError && e.code === 'HANDSHAKE_REJECTED' && e.status === 404,
      );
      assert.equal(server.accepted.length, 0);
    },
  );

  test(
    'no common application protocol: 400, unless bare QMux was offered too',
    TIMEOUT,
    async () => {
      const strict = await startServer(echoSession, { supportedProtocols: ['echo'] });
      try {
        await assert.rejects(
          connectQmux(strict.url(), { protocols: ['other'], requireProtocol: true }),
          (e: unknown) => e instanceof QmuxError && e.status === 400,
        );
        assert.equal(strict.accepted.length, 0);
        // `qmux-00.other` beside a bare `qmux-00`: the bare one is taken, with no app protocol.
        const session = await connectQmux(strict.url(), {
          protocols: ['other'],
          requireProtocol: false,
        });
        assert.equal(session.protocol, '');
        session.close();
      } finally {
        await strict.close();
      }
    },
  );

  test('connectQmux: bad URL and abort are typed errors', TIMEOUT, async () => {
    await assert.rejects(
      connectQmux('ftp://x/'),
      (e: unknown) => e instanceof QmuxError && e.code === 'INVALID_URL',
    );
    await assert.rejects(
      connectQmux(server.url(), { signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof QmuxError && e.code === 'ABORTED',
    );
  });
});

describe('QMux: fuzzing the server with random WebSocket frames', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(echoSession, { supportedProtocols: ['echo'] });
  });
  after(() => server.close());

  test(
    'random frames never crash the server; a fresh session still works',
    { timeout: 120_000 },
    async () => {
      await quietly(() =>
        fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...QMUX_VERSIONS),
            fc.array(fc.uint8Array({ minLength: 1, maxLength: 2048 }), {
              minLength: 1,
              maxLength: 8,
            }),
            async (version, frames) => {
              const socket = await rawSocket(server.url(), version);
              for (const frame of frames) socket.send(frame);
              await delay(1);
              socket.terminate();
            },
          ),
          { numRuns: 200 },
        ),
      );
      // Every fuzzed session ended: a dead client leaves nothing behind on the server.
      const settled = server.accepted.map((a) =>
        a.session.closed.then(
          () => true,
          () => true,
        ),
      );
      const timedOut = delay(5000).then(() => false);
      assert.ok(
        (await Promise.all(settled.map((p) => Promise.race([p, timedOut])))).every(Boolean),
      );
      const client = await connectQmux(server.url(), { protocols: ['echo'] });
      assert.deepEqual(await echoOnce(client, pattern(50_000)), pattern(50_000));
      client.close();
    },
  );
  test(
    'random bytes on an upgraded TCP socket never crash the server',
    { timeout: 120_000 },
    async () => {
      await quietly(() =>
        fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...QMUX_VERSIONS),
            fc.array(fc.uint8Array({ minLength: 1, maxLength: 512 }), {
              minLength: 1,
              maxLength: 4,
            }),
            (version, chunks) => rawTcpSession(server.frontend.port, version, chunks),
          ),
          { numRuns: 100 },
        ),
      );
      const client = await connectQmux(server.url(), { protocols: ['echo'] });
      assert.deepEqual(await echoOnce(client, pattern(50_000)), pattern(50_000));
      client.close();
    },
  );
});
