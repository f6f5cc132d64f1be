import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { protocolsForDraft } from '../client/index.js';
import { BroadcastProducer, Version } from '../moq/index.js';
import { LADDER, publishLadder, readGroups } from './abr/abr-test-kit.js';
import { Relay } from './relay.js';
import { join, publisher, readAll, until, writeGroups } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

const expected = (groups: number, objects: number): Array<{ groupId: number; objects: string[] }> =>
  Array.from({ length: groups }, (_, g) => ({
    groupId: g,
    objects: Array.from({ length: objects }, (_, o) => `${g}:${o}`),
  }));

const VERSION_OF = { 14: Version.DRAFT_14, 16: Version.DRAFT_16, 18: Version.DRAFT_18 } as const;
const PAIRS = [
  [18, 18],
  [18, 16],
  [18, 14],
  [14, 18],
  [16, 18],
] as const;

describe('relay: draft-18 sessions beside drafts 14 and 16', () => {
  for (const transport of ['quic', 'websocket'] as const) {
    for (const [pubDraft, subDraft] of PAIRS) {
      test(`d${pubDraft} publisher → relay → d${subDraft} subscriber (${transport})`, async () => {
        const ns = ['d18', transport, `p${pubDraft}`, `s${subDraft}`];
        const pub = await publisher(relay, ns, 'data', transport, protocolsForDraft(pubDraft));
        const sub = await join(relay, transport, protocolsForDraft(subDraft));
        assert.equal(pub.session.version, VERSION_OF[pubDraft]);
        assert.equal(sub.version, VERSION_OF[subDraft]);
        const consumer = await sub.subscribe(ns, 'data');
        const reading = readAll(consumer);
        await writeGroups(pub.track, 4, 10, 5);
        pub.track.close();
        assert.deepEqual(await reading, expected(4, 10));
        sub.close();
        pub.session.close();
      });
    }
  }
});

describe('relay: draft-18 request streams end requests', () => {
  test('a viewer that unsubscribes (resets its stream) releases the publisher; a withdrawn name is free', async () => {
    const ns = ['d18', 'cancel'];
    const pub = await publisher(relay, ns, 'data', 'quic', protocolsForDraft(18));
    const viewer = await join(relay, 'websocket', protocolsForDraft(18));
    const consumer = await viewer.subscribe(ns, 'data');
    await until(() => pub.track.consumerCount === 1);
    consumer.close();
    // The relay's own subscription upstream ends once its last viewer left.
    await until(() => pub.track.consumerCount === 0, 30_000);
    // PUBLISH_NAMESPACE_DONE is the end of that request's stream: the name is free again.
    pub.broadcast.close();
    await until(() => relay.origin.route(ns) === undefined, 30_000);
    assert.equal(pub.session.isClosed, false, 'the session outlives its announcement');
    pub.session.close();
    const second = await publisher(relay, ns, 'data', 'quic', protocolsForDraft(18));
    const reading = readAll(await viewer.subscribe(ns, 'data'));
    await writeGroups(second.track, 2, 2);
    second.track.close();
    assert.deepEqual(await reading, expected(2, 2));
    viewer.close();
    second.session.close();
  });
});

describe('relay: server-side ABR for a draft-18 viewer', () => {
  test('a switching-set SUBSCRIBE over draft-18 gets whole groups, each naming its rendition', async () => {
    const ladder = new BroadcastProducer(['d18', 'abr']);
    relay.origin.publish(ladder);
    const stop = publishLadder(ladder, LADDER, { groupMs: 300, objectsPerGroup: 5 });
    const viewer = await join(relay, 'quic', protocolsForDraft(18));
    try {
      assert.equal(viewer.version, Version.DRAFT_18);
      const consumer = await viewer.subscribe(['d18', 'abr'], 'hi', { switchingSet: LADDER });
      const groups = await readGroups(consumer, (g) => g.length >= 4, AbortSignal.timeout(30_000));
      consumer.close();
      const whole = groups.filter((g) => !g.cut);
      assert.ok(whole.length >= 2, `${whole.length} whole groups of ${groups.length}`);
      for (const group of whole) {
        assert.ok(group.rendition !== undefined && group.rendition < LADDER.length);
        const track = LADDER[group.rendition]!.trackName;
        assert.ok(group.labels.every((label, i) => label === `${track}:${group.groupId}:${i}`));
      }
    } finally {
      stop();
      viewer.close();
      ladder.close();
    }
  });
});

describe('relay: GOAWAY on the draft-18 control stream', () => {
  test('a relay shutting down sends GOAWAY to its draft-18 sessions', async () => {
    const own = await Relay.start({ port: 0, host: '127.0.0.1' });
    const session = await join(own, 'quic', protocolsForDraft(18));
    const closing = own.close();
    assert.equal(await session.goaway, '');
    await closing;
    await session.closed.catch(() => undefined);
  });
});
