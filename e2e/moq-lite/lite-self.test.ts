/**
 * The @moq/lite wrapper against @moq/lite's own server half (`Connection.accept`), over our
 * TransportServer's QUIC and WebSocket. accept() is only the server side of the SETUP handshake;
 * it routes nothing between connections. The "relay" here is a few lines of glue: the Broadcast
 * consumed from the publisher's connection is published on each subscriber's connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Broadcast, Connection, Path } from '@moq/lite';
import {
  CopyingSession,
  TransportServer,
  type AcceptedSession,
} from '../../src/transport/index.js';
import {
  connectLite,
  expectedGroups,
  installNodeGlobals,
  patternPayload,
  publishLite,
  subscribeLite,
  waitAnnounced,
  type GroupPlan,
  type LiteConnection,
  type LiteTransport,
  type ReceivedGroup,
} from './peer.js';

/** How the server half is told to speak, by the first URL path segment. */
type Mode = 'negotiated' | 'draft14' | 'lite04';
const DRAFT_14 = 0xff00000e;

/** The broadcast path of a room: two segments, so draft-14 namespaces get two tuple fields. */
const broadcastOf = (room: string): string => `studio/${room}`;

class LiteServer {
  readonly #upstream = new Map<string, Broadcast>();
  readonly #collected = new Map<string, Slot<ReceivedGroup[]>>();
  readonly #connections: LiteConnection[] = [];

  private constructor(readonly transport: TransportServer) {
    void this.#acceptAll();
  }

  static async start(): Promise<LiteServer> {
    const transport = await TransportServer.listen({
      port: 0,
      // WebTransport: moq-lite-04 (no SETUP) only under /lite04, else 'moql' (SETUP decides).
      policy: (request) => {
        const lite04 = request.url.pathname.startsWith('/lite04/');
        const offered = request.offeredProtocols;
        if (lite04 && offered.includes('moq-lite-04'))
          return { accept: true, protocol: 'moq-lite-04' };
        if (offered.length === 0) return { accept: true, protocol: '' };
        if (offered.includes('moql')) return { accept: true, protocol: 'moql' };
        return { accept: false, status: 400 };
      },
    });
    return new LiteServer(transport);
  }

  url(mode: Mode, room: string, role: 'pub' | 'sub' | 'srv'): URL {
    return new URL(`http://127.0.0.1:${this.transport.port}/${mode}/${room}/${role}`);
  }

  /** What the server itself received from a 'srv' publisher in this room. */
  collected(room: string): Promise<ReceivedGroup[]> {
    return this.#slot(room).promise;
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) connection.close();
    await this.transport.close();
  }

  #slot(room: string): Slot<ReceivedGroup[]> {
    let slot = this.#collected.get(room);
    if (!slot) {
      slot = newSlot<ReceivedGroup[]>();
      this.#collected.set(room, slot);
    }
    return slot;
  }

  async #acceptAll(): Promise<void> {
    for (let s = await this.transport.accept(); s; s = await this.transport.accept())
      this.#serve(s).catch(() => undefined);
  }

  async #serve(accepted: AcceptedSession): Promise<void> {
    const [mode, room, role] = accepted.request.url.pathname.split('/').slice(1);
    if (!room || !role) return;
    // Our streams keep written chunks by reference; @moq/lite reuses its write buffers.
    const session = new CopyingSession(accepted.session);
    const props = mode === 'draft14' ? { version: DRAFT_14 } : undefined;
    const connection = await Connection.accept(session, accepted.request.url, props);
    this.#connections.push(connection);
    const path = Path.from(broadcastOf(room));
    if (role === 'pub') this.#upstream.set(room, connection.consume(path));
    if (role === 'sub') {
      const upstream = this.#upstream.get(room);
      if (upstream) connection.publish(path, upstream);
    }
    if (role === 'srv') {
      const slot = this.#slot(room);
      // The server hangs up once it has its groups: @moq/lite's bundled @moq/qmux 0.0.6 throws
      // (unhandled) when a peer opens a stream just as the client closes its own session.
      subscribeLite(connection, broadcastOf(room), 'data', { groups: 3 })
        .finally(() => connection.close())
        .then(slot.resolve, slot.reject);
    }
  }
}

interface Slot<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function newSlot<T>(): Slot<T> {
  const slot: Partial<Slot<T>> = {};
  slot.promise = new Promise<T>((resolve, reject) => Object.assign(slot, { resolve, reject }));
  return slot as Slot<T>;
}

const plan: GroupPlan = { groups: 3, objectsPerGroup: 4, firstGroup: 5 };
let server: LiteServer;
let rooms = 0;

before(async () => {
  installNodeGlobals({ quiet: true });
  server = await LiteServer.start();
});

after(async () => {
  await server.close();
});

const cases: Array<{ transport: LiteTransport; mode: Mode; version: string }> = [
  { transport: 'websocket', mode: 'negotiated', version: 'moq-lite-02' },
  { transport: 'webtransport', mode: 'negotiated', version: 'moq-lite-02' },
  { transport: 'websocket', mode: 'draft14', version: 'moq-transport-14' },
  { transport: 'webtransport', mode: 'draft14', version: 'moq-transport-14' },
  { transport: 'webtransport', mode: 'lite04', version: 'moq-lite-04' },
];

for (const { transport, mode, version } of cases) {
  describe(`@moq/lite ↔ @moq/lite accept(), ${transport}, ${version}`, () => {
    test('a client publishes; the accept() side subscribes and gets every object', async () => {
      const room = `r${++rooms}`;
      const publisher = await connectLite(server.url(mode, room, 'srv'), { transport });
      try {
        assert.equal(publisher.version, version);
        publishLite(publisher, broadcastOf(room), 'data', plan);
        assert.deepEqual(await server.collected(room), expectedGroups(plan));
        await publisher.closed;
      } finally {
        publisher.close();
      }
    });

    test('client → accept() glue → client: groups arrive intact, in order', async () => {
      const room = `r${++rooms}`;
      const bigPlan: GroupPlan = { ...plan, payload: patternPayload(3000), intervalMs: 20 };
      const publisher = await connectLite(server.url(mode, room, 'pub'), { transport });
      const subscriber = await connectLite(server.url(mode, room, 'sub'), { transport });
      try {
        const publication = publishLite(publisher, broadcastOf(room), 'data', bigPlan);
        const signal = AbortSignal.timeout(5000);
        await waitAnnounced(subscriber, broadcastOf(room), { prefix: 'studio', signal });
        const got = await subscribeLite(subscriber, broadcastOf(room), 'data', {
          groups: 3,
          signal,
        });
        assert.deepEqual(got, expectedGroups(bigPlan));
        assert.equal(publication.served, 1);
      } finally {
        publisher.close();
        subscriber.close();
      }
    });
  });
}
