import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { until } from '../async/index.js';
import { dialRelay } from '../client/index.js';
import { SessionCloseCode } from '../moq/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import { Relay } from './relay.js';
import { join } from './relay-test-kit.js';

/** The close code a transport session ended with (-1 for none). */
async function closeCode(session: TransportSession): Promise<number> {
  const info = await session.closed.catch((error: unknown) => error as WebTransportCloseInfo);
  return info.closeCode ?? -1;
}

/** A raw TCP connection to the relay's port that we keep silent (or send `bytes` on). */
function rawTcp(
  port: number,
  bytes?: string,
): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => {
      if (bytes !== undefined) socket.write(bytes);
      resolve({
        socket,
        closed: new Promise((done) => socket.once('close', () => done(Date.now() - started))),
      });
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

describe('relay: peers that leave a state hanging are timed out', { timeout: 120_000 }, () => {
  test('50 WebSockets that never send CLIENT_SETUP hold no place past the setup timeout', async () => {
    const relay = await Relay.start({
      port: 0,
      host: '127.0.0.1',
      limits: { maxSessions: 5, setupTimeoutMs: 2000 },
    });
    try {
      const url = `http://127.0.0.1:${relay.port}/`;
      const silent = await Promise.all(
        Array.from({ length: 50 }, () =>
          dialRelay(url, nodeDialers, { transport: 'websocket' }).then((d) => d.transport),
        ),
      );
      const codes = silent.map((s) => closeCode(s));
      // While five silent sessions hold every place, a real client is refused: they count.
      await assert.rejects(join(relay, 'websocket'));
      const settled = await Promise.all(codes);
      const timedOut = settled.filter((c) => c === SessionCloseCode.CONTROL_MESSAGE_TIMEOUT);
      const refused = settled.filter((c) => c === SessionCloseCode.TOO_MANY_REQUESTS);
      assert.equal(timedOut.length, 5, `codes: ${settled.join(',')}`);
      assert.equal(refused.length, 45);
      const real = await join(relay, 'websocket');
      assert.equal(relay.sessionCount, 1);
      real.close();
    } finally {
      await relay.close();
    }
  });

  test('idle and half-sent TCP connections are closed; /healthz keeps answering', async () => {
    const relay = await Relay.start({
      port: 0,
      host: '127.0.0.1',
      connectionTimeouts: { idleMs: 1500, headersMs: 1000, keepAliveMs: 1000 },
    });
    try {
      const silent = await Promise.all(Array.from({ length: 40 }, () => rawTcp(relay.port)));
      const halfSent = await Promise.all(
        Array.from({ length: 10 }, () =>
          rawTcp(relay.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n'),
        ),
      );
      const health = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
      assert.equal(health.status, 200);
      const silentMs = await Promise.all(silent.map((c) => c.closed));
      const halfMs = await Promise.all(halfSent.map((c) => c.closed));
      // Closed by the relay (not by us), after about the configured time, not at once.
      for (const ms of silentMs) assert.ok(ms >= 1000 && ms < 30_000, `silent closed at ${ms} ms`);
      for (const ms of halfMs) assert.ok(ms >= 500 && ms < 45_000, `half closed at ${ms} ms`);
      assert.equal((await fetch(`http://127.0.0.1:${relay.port}/healthz`)).status, 200);
      // A WebSocket session that is upgraded is not an idle HTTP connection: it stays.
      const session = await join(relay, 'websocket');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.equal(session.isClosed, false);
      await until('one session', () => relay.sessionCount === 1, { timeoutMs: 10_000 });
      session.close();
    } finally {
      await relay.close();
    }
  });
});
