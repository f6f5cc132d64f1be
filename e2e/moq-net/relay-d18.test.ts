/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Interop with `@moq/net` 0.3.4's draft-18 (`moqt-18`) through our relay: its publisher to its
 * subscriber, and mixed with its moq-lite-05 and with our own draft-18 sessions, over QMux
 * (WebSocket) and WebTransport (our QUIC polyfill).
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

/** The plan, paced: each group once the relay holds it whole (see Plan.afterGroup). */
function paced(path: string) {
  const cached = (group: number) =>
    relay.origin
      .route(path.split('/'))
      ?.liveTrack('data')
      ?.cachedGroups.some((g) => g.groupId === group && g.isClosed) === true;
  return { ...plan, afterGroup: (group: number) => until(() => cached(group)) };
}

describe('@moq/net moqt-18 through our relay', () => {
  for (const transport of ['websocket', 'webtransport'] as const) {
    for (const [up, down] of [
      ['moqt-18', 'moqt-18'],
      ['moqt-18', 'moq-lite-05'],
      ['moq-lite-05', 'moqt-18'],
    ] as const) {
      test(`${up} publisher → relay → ${down} subscriber over ${transport}`, async () => {
        const path = `net18/${up}/${down}/${transport}`;
        const pub = await net(transport, up);
        publishNet(pub, path, 'data', paced(path));
        await until(() => relay.origin.route(path.split('/')) !== undefined);
        const sub = await net(transport, down);
        const received = await subscribeNet(sub, path, 'data', plan.groups);
        assert.deepEqual(received, expected(plan.groups, plan.objectsPerGroup));
      });
    }
  }
});

describe('@moq/net moqt-18 with our own draft-18 sessions', () => {
  test('@moq/net moqt-18 publisher → relay → our draft-18 subscriber (QUIC)', async () => {
    const path = 'net18/ours/up';
    // Our SUBSCRIBE starts at the newest group: the publisher starts once it is answered.
    let go!: () => void;
    const subscribed = new Promise<void>((resolve) => (go = resolve));
    publishNet(await net('webtransport', 'moqt-18'), path, 'data', paced(path), subscribed);
    await until(() => relay.origin.route(path.split('/')) !== undefined);
    const session = await join(relay, 'quic', protocolsForDraft(18));
    const consumer = await session.subscribe(path.split('/'), 'data');
    go();
    const groups: Array<{ group: number; objects: string[] }> = [];
    while (groups.length < plan.groups) {
      const next = await consumer.nextGroup();
      if (next === undefined) break;
      if (!('readObject' in next)) continue;
      const objects: string[] = [];
      for (let o = await next.readObject(); o; o = await next.readObject()) {
        objects.push(new TextDecoder().decode(o.payload));
      }
      groups.push({ group: next.groupId, objects });
    }
    assert.deepEqual(groups, expected(plan.groups, plan.objectsPerGroup));
    session.close();
  });

  test('our draft-18 publisher → relay → @moq/net moqt-18 subscriber (QMux)', async () => {
    const namespace = ['net18', 'ours', 'down'];
    const ours = await publisher(relay, namespace, 'data', 'websocket', protocolsForDraft(18));
    const receiving = subscribeNet(
      await net('websocket', 'moqt-18'),
      namespace.join('/'),
      'data',
      3,
    );
    await until(() => ours.track.consumerCount === 1);
    await writeGroups(ours.track, 3, 10);
    assert.deepEqual(await receiving, expected(3, 10));
    ours.session.close();
  });
});
