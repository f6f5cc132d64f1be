import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BroadcastProducer, MoqSession } from '../moq/index.js';
import { dialRelay } from '../client/index.js';
import { nodeDialers } from '../transport/index.js';
import { Relay } from './relay.js';
import { encode, join, until } from './relay-test-kit.js';

let relay: Relay;
before(async () => (relay = await Relay.start({ port: 0, host: '127.0.0.1' })));
after(() => relay.close());

describe('MoqSession.groupsDropped', () => {
  test('counts groups reset because newer ones queued behind them', async () => {
    const { transport } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
      transport: 'quic',
    });
    // One group in flight at most: a second open group forces the first to be reset.
    const session = await MoqSession.connect(transport, { maxInflightGroups: 1 });
    const broadcast = new BroadcastProducer(['drops']);
    const track = broadcast.createTrack('video');
    await session.publish(broadcast);
    const viewer = await join(relay);
    await viewer.subscribe(['drops'], 'video');
    await until(() => session.subscriptionsServed === 1);
    assert.equal(session.groupsDropped, 0);
    for (let g = 0; g < 3; g++) {
      // Groups left open stay in flight: the sender waits for their next object.
      track.createGroup().write(encode(`${g}`));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await until(() => session.groupsDropped === 2);
    const closed = track.createGroup();
    closed.write(encode('done'));
    closed.close();
    await until(() => session.groupsDropped >= 3);
    assert.equal(session.groupsDropped, 3, 'the third open group was cut for the fourth');
    viewer.close();
    session.close();
  });
});
