import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BroadcastProducer } from './broadcast.js';
import { GroupConsumer } from './group.js';
import { ModelError } from './model-error.js';
import { Lagged, TrackProducer, type TrackConsumer } from './track.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function readGroup(group: GroupConsumer): Promise<string[]> {
  const out: string[] = [];
  for (let o = await group.readObject(); o; o = await group.readObject()) out.push(text(o.payload));
  return out;
}

async function nextGroup(consumer: TrackConsumer): Promise<GroupConsumer> {
  const next = await consumer.nextGroup();
  assert.ok(next instanceof GroupConsumer, 'expected a group');
  return next;
}

describe('groups', () => {
  test('every consumer reads every object in order, also those written after it started', async () => {
    const track = new TrackProducer('t');
    const group = track.createGroup();
    group.write(bytes('a'));
    const early = group.consume();
    const reading = readGroup(early);
    group.write(bytes('b'));
    group.write(bytes('c'), 7);
    group.close();
    assert.deepEqual(await reading, ['a', 'b', 'c']);
    assert.deepEqual(await readGroup(group.consume()), ['a', 'b', 'c']);
  });

  test('a group cut short hands out what arrived, then its error; object ids only grow', async () => {
    const group = new TrackProducer('t').createGroup(3);
    group.write(bytes('a'), 5);
    assert.throws(
      () => group.write(bytes('x'), 5),
      (e: unknown) => e instanceof ModelError,
    );
    group.close(new Error('publisher gone'));
    group.close(); // second close is a no-op
    const consumer = group.consume();
    assert.equal(text((await consumer.readObject())?.payload ?? new Uint8Array()), 'a');
    await assert.rejects(consumer.readObject(), /publisher gone/);
    await assert.rejects(group.closed, /publisher gone/);
  });

  test('a waiting reader can be aborted', async () => {
    const consumer = new TrackProducer('t').createGroup().consume();
    const abort = new AbortController();
    const pending = consumer.readObject(abort.signal);
    abort.abort(new Error('viewer left'));
    await assert.rejects(pending, /viewer left/);
  });
});

describe('tracks', () => {
  test('a late joiner starts at the newest group; "next" waits for the one after', async () => {
    const track = new TrackProducer('video');
    for (let g = 0; g < 3; g++) track.createGroup().write(bytes(`g${g}`));
    const late = track.consume('latest');
    assert.equal((await nextGroup(late)).groupId, 2);
    const next = track.consume('next');
    const waiting = next.nextGroup();
    track.createGroup(); // group 3
    const got = await waiting;
    assert.ok(got instanceof GroupConsumer);
    assert.equal(got.groupId, 3);
  });

  test('groups come in id order even when an older one starts late; duplicates throw', async () => {
    const track = new TrackProducer('t', { cacheGroups: 10 });
    track.createGroup(0);
    track.createGroup(2);
    track.createGroup(1);
    assert.throws(() => track.createGroup(2), /already seen/);
    const consumer = track.consume({ group: 0 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await nextGroup(consumer)).groupId);
    assert.deepEqual(ids, [0, 1, 2]);
  });

  test('a group that arrives after a newer one was read reaches readers of late groups only', async () => {
    const track = new TrackProducer('t', { cacheGroups: 4 });
    const live = track.consume({ group: 0 });
    const every = track.consume({ group: 0 }, { lateGroups: true });
    track.createGroup(0);
    track.createGroup(2);
    track.createGroup(3);
    for (const consumer of [live, every]) {
      assert.deepEqual(
        [(await nextGroup(consumer)).groupId, (await nextGroup(consumer)).groupId],
        [0, 2],
      );
    }
    for (const consumer of [live, every]) assert.equal((await nextGroup(consumer)).groupId, 3);
    // Group 1's stream was overtaken: it starts now, after 2 and 3 were read.
    const waiting = every.nextGroup();
    track.createGroup(1);
    assert.equal(((await waiting) as GroupConsumer).groupId, 1);
    // Group 5 passed over 4; then 4 was evicted unread: it is no longer waited for.
    track.createGroup(5);
    assert.equal((await nextGroup(live)).groupId, 5, 'the live reader never saw 1');
    assert.equal((await nextGroup(every)).groupId, 5);
    for (let g = 6; g < 12; g++) track.createGroup(g);
    assert.throws(() => track.createGroup(4), /already seen/);
    const after = await every.nextGroup();
    assert.ok(after instanceof Lagged, 'groups 6 and 7 were evicted unread');
    assert.equal((await nextGroup(every)).groupId, 8);
    track.close();
    for (let g = 9; g < 12; g++) assert.equal((await nextGroup(every)).groupId, g);
    assert.equal(await every.nextGroup(), undefined);
  });

  test('the cache is bounded by groups and bytes; a slow reader is told it lagged', async () => {
    const track = new TrackProducer('t', { cacheGroups: 3, cacheBytes: 1000 });
    const slow = track.consume('latest');
    for (let g = 0; g < 6; g++) track.createGroup().write(new Uint8Array(100));
    assert.deepEqual(
      track.cachedGroups.map((g) => g.groupId),
      [3, 4, 5],
    );
    const lag = await slow.nextGroup();
    assert.ok(lag instanceof Lagged);
    assert.deepEqual([lag.fromGroup, lag.toGroup], [0, 2]);
    assert.equal((await nextGroup(slow)).groupId, 3);
    track.createGroup().write(new Uint8Array(2000)); // one big group evicts all but itself
    assert.deepEqual(
      track.cachedGroups.map((g) => g.groupId),
      [6],
    );
  });

  test('ending a track ends its readers; an error reaches every one; open groups are cut', async () => {
    const track = new TrackProducer('t');
    const open = track.createGroup();
    const reader = track.consume('latest');
    const group = await nextGroup(reader);
    track.close(new Error('publisher disconnected'));
    await assert.rejects(readGroup(group), /publisher disconnected/);
    await assert.rejects(reader.nextGroup(), /publisher disconnected/);
    assert.ok(open.isClosed);

    const clean = new TrackProducer('c');
    const consumer = clean.consume();
    clean.createGroup().close();
    clean.close();
    assert.equal((await nextGroup(consumer)).groupId, 0);
    assert.equal(await consumer.nextGroup(), undefined);
  });

  test('the track turns idle when its last consumer leaves', () => {
    const track = new TrackProducer('t');
    let idle = 0;
    track.onIdle(() => idle++);
    const a = track.consume();
    const b = track.consume();
    a.close();
    a.close();
    assert.equal(idle, 0);
    b.close();
    assert.equal(idle, 1);
    assert.equal(track.consumerCount, 0);
  });
});

describe('broadcasts', () => {
  test('a track made on demand is shared by every subscriber (one upstream)', async () => {
    let requests = 0;
    const broadcast = new BroadcastProducer(['live', 'show'], (name) => {
      requests++;
      return name === 'video' ? new TrackProducer(name) : undefined;
    });
    const a = broadcast.subscribe('video');
    const b = broadcast.subscribe('video');
    assert.equal(requests, 1);
    assert.throws(
      () => broadcast.subscribe('nope'),
      (e: unknown) => e instanceof ModelError && e.code === 'TRACK_NOT_FOUND',
    );
    const group = broadcast.track('video')?.createGroup();
    group?.write(bytes('x'));
    group?.close();
    assert.deepEqual(await readGroup(await nextGroup(a)), ['x']);
    assert.deepEqual(await readGroup(await nextGroup(b)), ['x']);
  });

  test('closing a broadcast closes its tracks with the reason; names are unique', async () => {
    const broadcast = new BroadcastProducer(['b']);
    const track = broadcast.createTrack('clock');
    assert.throws(() => broadcast.createTrack('clock'), /already/);
    const reader = broadcast.subscribe('clock');
    broadcast.close(new Error('going offline'));
    await assert.rejects(reader.nextGroup(), /going offline/);
    assert.ok(track.isClosed);
    assert.throws(() => broadcast.createTrack('x'), /closed/);
  });
});

describe('companion tracks', () => {
  test('a companion ends when its broadcast drains and does not hold it open', () => {
    const broadcast = new BroadcastProducer(['live', 'show']);
    const media = broadcast.createTrack('video');
    const stats = broadcast.createCompanionTrack('.stats');
    broadcast.drain();
    assert.ok(stats.isClosed, 'the companion ended with the drain');
    assert.ok(!broadcast.isClosed, 'the media track still runs');
    media.close();
    assert.ok(broadcast.isClosed, 'closed once the last real track ended');
  });

  test('a broadcast with only a companion closes at once when drained', () => {
    const broadcast = new BroadcastProducer(['live', 'idle']);
    broadcast.createCompanionTrack('.stats');
    broadcast.drain();
    assert.ok(broadcast.isClosed);
  });
});
