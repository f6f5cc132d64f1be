/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Interop with moq-dev's current client `@moq/net` (npm) through our relay, with the protocol
 * forced per test: moq-lite 03/04/05, draft-14 and draft-16, over QMux (WebSocket) and
 * WebTransport (our QUIC polyfill); and mixed, moq-lite on one side and our draft-16 on the other
 * (@moq/net on both sides with different protocols: net-mixed.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { protocolsForDraft } from '../../src/client/index.js';
import { Relay } from '../../src/relay/index.js';
import { join, publisher, until, writeGroups } from '../../src/relay/relay-test-kit.js';
import {
  connectNet,
  expected,
  installNodeGlobals,
  pacedThrough,
  publishNet,
  subscribeNet,
  type NetConnection,
  type NetTransport,
} from './peer.js';

installNodeGlobals({ webTransport: true, quiet: process.env.NET_DEBUG === undefined });

let relay: Relay;
let url: string;
const connections: NetConnection[] = [];

before(async () => {
  const logger =
    process.env.NET_DEBUG === undefined ? undefined : { info: console.log, warn: console.log };
  relay = await Relay.start({ port: 0, host: '127.0.0.1', logger });
  url = `http://127.0.0.1:${relay.port}/`;
});

after(async () => {
  for (const connection of connections) connection.close();
  await relay.close();
});

async function net(transport: NetTransport, protocol: string): Promise<NetConnection> {
  const connection = await connectNet(url, {
    transport,
    protocol,
    certificateSha256: relay.certificateSha256,
  });
  connections.push(connection);
  return connection;
}

const plan = { groups: 4, objectsPerGroup: 10 };
// `moql` is @moq/net's draft-14 (SETUP on the first bidi stream), `moqt-16` its draft-16. Both
// need the paced plan: @moq/net's IETF publisher joins each SUBSCRIBE at the newest group it
// holds when it answers, so an unpaced burst loses its first groups (net-join.test.ts,
// docs/interop-moq-net.md).
const PROTOCOLS = ['moq-lite-05', 'moq-lite-04', 'moq-lite-03', 'moql', 'moqt-16'];

/** The plan, paced: each group once the relay holds it whole (see Plan.afterGroup). */
const paced = (path: string) => pacedThrough(relay, path, 'data', plan);

describe('@moq/net publisher → relay → @moq/net subscriber', () => {
  for (const transport of ['websocket', 'webtransport'] as const) {
    for (const protocol of PROTOCOLS) {
      test(`${protocol} over ${transport}`, async () => {
        const path = `net/${protocol}/${transport}`;
        const pub = await net(transport, protocol);
        assert.ok(pub.version.length > 0);
        publishNet(pub, path, 'data', paced(path));
        await until(() => relay.origin.route(path.split('/')) !== undefined);
        const sub = await net(transport, protocol);
        const received = await subscribeNet(sub, path, 'data', plan.groups);
        assert.deepEqual(received, expected(plan.groups, plan.objectsPerGroup));
      });
    }
  }
});

describe('mixed: moq-lite on one side, our draft-16 on the other', () => {
  for (const protocol of ['moq-lite-05', 'moq-lite-03']) {
    test(`@moq/net ${protocol} publisher → relay → our draft-16 subscriber`, async () => {
      const path = `mixed/${protocol}/up`;
      // A draft-16 SUBSCRIBE starts at the newest group: the publisher starts once it is answered.
      let go!: () => void;
      const subscribed = new Promise<void>((resolve) => (go = resolve));
      publishNet(await net('webtransport', protocol), path, 'data', paced(path), subscribed);
      await until(() => relay.origin.route(path.split('/')) !== undefined);
      const session = await join(relay, 'quic', protocolsForDraft(16));
      const consumer = await session.subscribe(path.split('/'), 'data');
      go();
      const groups: Array<{ groupId: number; objects: string[] }> = [];
      // Reads group by group until the plan is in (the lite track stays open).
      for (;;) {
        const next = await consumer.nextGroup();
        if (next === undefined || !('readObject' in next)) continue;
        const objects: string[] = [];
        for (let o = await next.readObject(); o; o = await next.readObject()) {
          objects.push(new TextDecoder().decode(o.payload));
        }
        groups.push({ groupId: next.groupId, objects });
        if (groups.length === plan.groups) break;
      }
      assert.deepEqual(
        groups.map((g) => ({ group: g.groupId, objects: g.objects })),
        expected(plan.groups, plan.objectsPerGroup),
      );
      session.close();
    });

    test(`our draft-16 publisher → relay → @moq/net ${protocol} subscriber`, async () => {
      const namespace = ['mixed', protocol, 'down'];
      const ours = await publisher(relay, namespace, 'data', 'quic', protocolsForDraft(16));
      const receiving = subscribeNet(
        await net('websocket', protocol),
        namespace.join('/'),
        'data',
        3,
      );
      await until(() => ours.track.consumerCount === 1);
      await writeGroups(ours.track, 3, 10);
      assert.deepEqual(await receiving, expected(3, 10));
      ours.session.close();
    });
  }
});
