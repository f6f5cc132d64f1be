import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BroadcastProducer } from '../../moq/index.js';
import { Relay } from '../relay.js';
import { join, until, writeGroups } from '../relay-test-kit.js';
import { readGroups } from './cluster-test-kit.js';
import { MemoryRegistry } from './index.js';

/** Two relays of one process joined by an in-memory registry: the cluster logic alone. */
describe('relay cluster (in-memory registry)', () => {
  const registry = new MemoryRegistry();
  let a: Relay;
  let c: Relay;

  before(async () => {
    const start = (): Promise<Relay> =>
      Relay.start({
        port: 0,
        host: '127.0.0.1',
        peerBind: { host: '127.0.0.1', port: 0 },
        cluster: { registry: registry.member(), graceMs: 1500 },
      });
    a = await start();
    c = await start();
  });

  after(async () => {
    await Promise.all([a.close(), c.close()]);
  });

  it('serves a broadcast of A to viewers on C through one upstream subscription', async () => {
    const pub = await join(a);
    const broadcast = new BroadcastProducer(['live', 'one']);
    const track = broadcast.createTrack('video');
    await pub.publish(broadcast);
    await until(() => c.origin.route(['live', 'one']) !== undefined);

    const viewers = await Promise.all([0, 1, 2].map(() => join(c)));
    const readers = await Promise.all(viewers.map((v) => v.subscribe(['live', 'one'], 'video')));
    const reading = readers.map((r) => readGroups(r, 5));
    await writeGroups(track, 5, 3, 20);
    for (const got of await Promise.all(reading)) {
      assert.deepEqual(
        got.map((x) => x.objects),
        [0, 1, 2, 3, 4].map((g) => [`${g}:0`, `${g}:1`, `${g}:2`]),
      );
    }
    const onA = a.origin.route(['live', 'one'])?.liveTrack('video');
    assert.equal(onA?.consumerCount, 1, 'one upstream subscription from C');
    assert.deepEqual(c.cluster?.peers, [a.cluster?.node]);
    for (const v of viewers) v.close();
    pub.close();
  });
});
