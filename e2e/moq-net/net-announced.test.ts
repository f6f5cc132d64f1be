/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Discovery through our relay with `@moq/net`: a subscriber's `announced(prefix)` sees a
 * publisher's broadcast come and go, then reads it. Over draft-16 that is SUBSCRIBE_NAMESPACE on
 * a bidirectional stream of its own, answered with REQUEST_OK and NAMESPACE / NAMESPACE_DONE on
 * that stream (draft-16 §Subscribing to Namespaces); over draft-14 it is the control stream's
 * SUBSCRIBE_NAMESPACE and PUBLISH_NAMESPACE; moq-lite has its ANNOUNCE stream.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Path } from '@moq/net';
import { Relay } from '../../src/relay/index.js';
import { until } from '../../src/relay/relay-test-kit.js';
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

async function net(transport: NetTransport, protocol: string): Promise<NetConnection> {
  const connection = await connectNet(`http://127.0.0.1:${relay.port}/`, {
    transport,
    protocol,
    certificateSha256: relay.certificateSha256,
  });
  connections.push(connection);
  return connection;
}

const plan = { groups: 2, objectsPerGroup: 5 };

for (const transport of ['webtransport', 'websocket'] as const) {
  for (const protocol of ['moqt-16', 'moql', 'moq-lite-05']) {
    test(`${protocol} over ${transport}: announced() sees a broadcast come and go`, async () => {
      const prefix = `found/${protocol}/${transport}`;
      const watcher = await net(transport, protocol);
      const announced = watcher.announced(Path.from(prefix));
      const publisher = await net(transport, protocol);
      const broadcast = publishNet(
        publisher,
        `${prefix}/show`,
        'data',
        pacedThrough(relay, `${prefix}/show`, 'data', plan),
      );

      const came = await announced.next();
      assert.deepEqual(
        { path: String(came?.path), active: came?.active },
        {
          path: 'show',
          active: true,
        },
      );
      const path = `${prefix}/${String(came?.path)}`;
      assert.deepEqual(
        await subscribeNet(watcher, path, 'data', plan.groups),
        expected(plan.groups, plan.objectsPerGroup),
      );

      broadcast.close();
      const went = await announced.next();
      assert.deepEqual(
        { path: String(went?.path), active: went?.active },
        {
          path: 'show',
          active: false,
        },
      );
      announced.close();
      await until(() => relay.origin.route(path.split('/')) === undefined);
    });
  }
}
