import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { BroadcastProducer } from '../moq/index.js';
import { Relay } from '../relay/index.js';
import { join, readAll, writeGroups } from '../relay/relay-test-kit.js';
import { nodeDialers } from '../transport/index.js';
import { connectRelay, forgetTransportWinners, RelayClientError } from './index.js';

/**
 * A relay whose UDP is silently dropped (as on a network that blocks QUIC) while TCP reaches it:
 * a TCP proxy on port P in front of the relay, and a UDP socket on the same P that swallows
 * every datagram and counts them.
 */
class UdpBlackhole {
  datagrams = 0;
  private constructor(
    readonly port: number,
    private readonly proxy: Server,
    private readonly udp: Socket,
  ) {}

  static async open(relayPort: number): Promise<UdpBlackhole> {
    const proxy = createServer((client) => {
      const upstream = tcpConnect(relayPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
    const hole = new UdpBlackhole(port, proxy, udp);
    udp.on('message', () => hole.datagrams++);
    return hole;
  }

  close(): void {
    this.udp.close();
    this.proxy.close();
  }
}

describe('the relay client', () => {
  let relay: Relay;
  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
  });
  after(() => relay.close());

  test('both transports work: QUIC wins the race', async () => {
    forgetTransportWinners();
    const connection = await connectRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers);
    assert.equal(connection.kind, 'webtransport');
    await connection.close();
  });

  test('UDP silently dropped: WebSocket wins after the head start, and is remembered', async () => {
    forgetTransportWinners();
    const hole = await UdpBlackhole.open(relay.port);
    try {
      const url = `http://127.0.0.1:${hole.port}/`;
      const startedAt = Date.now();
      const first = await connectRelay(url, nodeDialers);
      const tookMs = Date.now() - startedAt;
      assert.equal(first.kind, 'websocket');
      assert.ok(hole.datagrams > 0, 'QUIC was tried first');
      // Far below the connect timeout (10 s) the old fallback waited out on a blocked UDP.
      assert.ok(tookMs < 5000, `websocket won after ${tookMs} ms`);
      await first.close();

      // The remembered winner leads: with a long head start QUIC is never even tried.
      const before = hole.datagrams;
      const second = await connectRelay(url, nodeDialers, { headStartMs: 8000 });
      assert.equal(second.kind, 'websocket');
      assert.equal(hole.datagrams, before, 'no QUIC packet for a relay known to need WebSocket');
      await second.close();
    } finally {
      hole.close();
      forgetTransportWinners();
    }
  });

  test('nothing listening: UNREACHABLE, long before the timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const startedAt = Date.now();
    await assert.rejects(
      connectRelay(`http://127.0.0.1:${port}/`, nodeDialers),
      (error: unknown) => {
        assert.ok(error instanceof RelayClientError);
        assert.equal(error.code, 'UNREACHABLE');
        assert.match(error.message, /webtransport: .*websocket: /);
        return true;
      },
    );
    assert.ok(Date.now() - startedAt < 5000);
  });

  test('a bad URL and a cancelled connect are typed', async () => {
    await assert.rejects(connectRelay('ftp://example.com/', nodeDialers), { code: 'BAD_URL' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      connectRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, { signal: controller.signal }),
      { code: 'ABORTED' },
    );
  });

  for (const transport of ['quic', 'websocket'] as const) {
    test(`close flushes (${transport}): the last objects and the end arrive, no sleep`, async () => {
      const publisher = await connectRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
        transport,
      });
      const broadcast = new BroadcastProducer(['flush', transport]);
      const track = broadcast.createTrack('video');
      await publisher.session.publish(broadcast);
      const viewer = await join(relay, transport);
      const consumer = await viewer.subscribe(['flush', transport], 'video', {
        start: { group: 0 },
      });
      const received = readAll(consumer, AbortSignal.timeout(20_000));

      await writeGroups(track, 3, 5);
      broadcast.close();
      await publisher.close();

      const groups = await received;
      assert.deepEqual(
        groups.map((g) => g.objects.length),
        [5, 5, 5],
        'every object of every group, and then the end',
      );
      viewer.close();
    });
  }
});
