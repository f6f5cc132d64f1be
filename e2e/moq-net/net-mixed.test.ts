/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * `@moq/net` on both sides of our relay, each side on a different protocol: moq-lite-05 to
 * draft-16 (`moqt-16`) and draft-14 (`moql`) and back, and draft-14 to draft-16. The relay turns
 * one wire into the other through its one track model; every object arrives, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

const plan = { groups: 4, objectsPerGroup: 10 };

/** [publisher's protocol, subscriber's protocol] */
const PAIRS = [
  ['moq-lite-05', 'moqt-16'],
  ['moqt-16', 'moq-lite-05'],
  ['moq-lite-05', 'moql'],
  ['moql', 'moq-lite-05'],
  ['moql', 'moqt-16'],
  ['moqt-16', 'moql'],
] as const;

describe('@moq/net publisher → relay → @moq/net subscriber, different protocols', () => {
  for (const transport of ['webtransport', 'websocket'] as const) {
    for (const [up, down] of PAIRS) {
      test(`${up} → ${down} over ${transport}`, async () => {
        const path = `mixed-net/${up}/${down}/${transport}`;
        const pub = await net(transport, up);
        publishNet(pub, path, 'data', pacedThrough(relay, path, 'data', plan));
        await until(() => relay.origin.route(path.split('/')) !== undefined);
        const sub = await net(transport, down);
        const received = await subscribeNet(sub, path, 'data', plan.groups);
        assert.deepEqual(received, expected(plan.groups, plan.objectsPerGroup));
      });
    }
  }
});
