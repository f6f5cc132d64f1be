/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Where a subscription to a `@moq/net` draft-14/16 publisher starts. Its IETF publisher answers a
 * SUBSCRIBE only after the app accepted the track (it awaits `track.info()`), then joins the
 * subscription at the newest group it holds (ietf/publisher.js, "An absent start joins at the
 * latest group"). A burst the app writes in between is skipped but for its newest group. This
 * is what made @moq/net's IETF sessions look stalled on our relay: a reader waiting for the
 * first groups of an unpaced burst waits for ever. Each group that does arrive is whole.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Relay } from '../../src/relay/index.js';
import { until } from '../../src/relay/relay-test-kit.js';
import {
  connectNet,
  installNodeGlobals,
  payloadOf,
  publishNet,
  subscribeNetThrough,
  type NetConnection,
} from './peer.js';

installNodeGlobals({ webTransport: true, quiet: true });

let relay: Relay;
const connections: NetConnection[] = [];

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  for (const connection of connections) connection.close();
  await relay.close();
});

async function net(protocol: string): Promise<NetConnection> {
  const connection = await connectNet(`http://127.0.0.1:${relay.port}/`, {
    transport: 'webtransport',
    protocol,
    certificateSha256: relay.certificateSha256,
  });
  connections.push(connection);
  return connection;
}

const plan = { groups: 4, objectsPerGroup: 10 };
const last = plan.groups - 1;

for (const protocol of ['moqt-16', 'moql']) {
  test(`${protocol}: an unpaced burst arrives from its newest group at SUBSCRIBE_OK, each group whole`, async () => {
    const path = `join/${protocol}`;
    publishNet(await net(protocol), path, 'data', plan);
    await until(() => relay.origin.route(path.split('/')) !== undefined);
    const received = await subscribeNetThrough(await net(protocol), path, 'data', last);
    // Sorted by group; a group that reached the relay after a newer one may be missing too.
    const groups = received.map((g) => g.group);
    assert.equal(new Set(groups).size, groups.length, 'no group twice');
    assert.equal(groups.at(-1), last, 'the newest group arrives');
    for (const { group, objects } of received) {
      const whole = Array.from({ length: plan.objectsPerGroup }, (_, o) => payloadOf(group, o));
      assert.deepEqual(objects, whole, `group ${group} whole`);
    }
  });
}
