import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  FetchErrorCode,
  MoqError,
  PublishDoneCode,
  PublishNamespaceErrorCode,
  SubscribeErrorCode,
  SubscribeOk,
} from '../moq/index.js';
import { Relay } from './relay.js';
import {
  join,
  publisher,
  rawClient,
  readAll,
  subscribeMessage,
  until,
  writeGroups,
} from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

const expected = (
  groups: number,
  objects: number,
  first = 0,
): Array<{ groupId: number; objects: string[] }> =>
  Array.from({ length: groups }, (_, g) => ({
    groupId: first + g,
    objects: Array.from({ length: objects }, (_, o) => `${first + g}:${o}`),
  }));

describe('relay: publish → relay → subscribe', () => {
  for (const transport of ['quic', 'websocket'] as const) {
    test(`every object of every group arrives in order (${transport})`, async () => {
      const pub = await publisher(relay, ['order', transport], 'data', transport);
      const sub = await join(relay, transport);
      const consumer = await sub.subscribe(['order', transport], 'data');
      const reading = readAll(consumer);
      await writeGroups(pub.track, 5, 20, 5);
      pub.track.close();
      assert.deepEqual(await reading, expected(5, 20));
      sub.close();
      pub.session.close();
    });
  }

  test('fan-out: 100 subscribers get everything; the publisher sees one subscription', async () => {
    const pub = await publisher(relay, ['fanout'], 'video');
    const subscribers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => join(relay, i % 2 === 0 ? 'quic' : 'websocket')),
    );
    const consumers = await Promise.all(subscribers.map((s) => s.subscribe(['fanout'], 'video')));
    assert.equal(pub.track.consumerCount, 1, 'one upstream subscription for 100 subscribers');
    assert.equal(pub.session.subscriptionsServed, 1);
    const readings = consumers.map((c) => readAll(c));
    await writeGroups(pub.track, 4, 30, 10);
    pub.track.close();
    const results = await Promise.all(readings);
    for (const result of results) assert.deepEqual(result, expected(4, 30));
    for (const s of subscribers) s.close();
    pub.session.close();
  });

  test('a group whose stream was overtaken is passed on: readers of late groups get it, players skip it', async () => {
    const pub = await publisher(relay, ['overtaken'], 'chat');
    const [everySession, liveSession] = await Promise.all([join(relay), join(relay)]);
    const every = await everySession.subscribe(['overtaken'], 'chat', { lateGroups: true });
    const live = await liveSession.subscribe(['overtaken'], 'chat');
    const seen = { every: [] as number[], live: [] as number[] };
    const collect = async (consumer: typeof every, into: number[]): Promise<void> => {
      for (let next = await consumer.nextGroup(); next; next = await consumer.nextGroup()) {
        if ('groupId' in next) into.push(next.groupId);
      }
    };
    const reading = Promise.all([collect(every, seen.every), collect(live, seen.live)]);
    const write = (groupId: number): void => {
      const group = pub.track.createGroup(groupId);
      group.write(new TextEncoder().encode(`${groupId}`));
      group.close();
    };
    write(0);
    write(2);
    await until(() => seen.every.includes(2) && seen.live.includes(2));
    write(1); // after 2 at the publisher, the relay and both viewers
    write(3);
    await until(() => seen.every.includes(3) && seen.live.includes(3));
    pub.track.close();
    await reading;
    assert.deepEqual(seen.every.toSorted(), [0, 1, 2, 3]);
    assert.deepEqual(seen.live, [0, 2, 3]);
    everySession.close();
    liveSession.close();
    pub.session.close();
  });

  test('a late joiner starts at the newest group, from its first object', async () => {
    const pub = await publisher(relay, ['late'], 'video');
    const early = await join(relay);
    const warm = await early.subscribe(['late'], 'video'); // keeps the relay's cache warm
    const earlyReading = readAll(warm);
    await writeGroups(pub.track, 3, 5);
    const open = pub.track.createGroup(); // group 3, still being written
    open.write(new TextEncoder().encode('3:0'));
    await until(() => relay.origin.route(['late'])?.track('video')?.latest?.groupId === 3);
    const late = await join(relay);
    const startedMs = performance.now();
    const consumer = await late.subscribe(['late'], 'video');
    const reading = readAll(consumer);
    open.write(new TextEncoder().encode('3:1'));
    open.close();
    await writeGroups(pub.track, 1, 2);
    pub.track.close();
    const got = await reading;
    assert.deepEqual(got, [
      { groupId: 3, objects: ['3:0', '3:1'] },
      { groupId: 4, objects: ['4:0', '4:1'] },
    ]);
    assert.ok(performance.now() - startedMs < 2000, 'joined within one group duration');
    assert.equal((await earlyReading).length, 5);
    late.close();
    early.close();
    pub.session.close();
  });

  test('a joining subscriber gets SUBSCRIBE_OK before the cached group it is sent', async () => {
    // The answer maps the data to the track: behind a whole cached group it came 50–100 ms late.
    const pub = await publisher(relay, ['answer-first'], 'video');
    const warm = await join(relay);
    const warmReading = readAll(await warm.subscribe(['answer-first'], 'video'));
    const group = pub.track.createGroup();
    for (let o = 0; o < 30; o++) group.write(new Uint8Array(10_000).fill(o));
    await until(
      () =>
        (relay.origin.route(['answer-first'])?.track('video')?.latest?.sizeBytes ?? 0) >= 300_000,
    );
    const client = await rawClient(relay, 'quic');
    const order: string[] = [];
    const answered = (async () => {
      for (let m = await client.next(); !(m instanceof SubscribeOk); m = await client.next());
      order.push('SUBSCRIBE_OK');
    })();
    // Both can land in one packet, and then which this client handles first is its own affair;
    // what the relay owes is the answer ahead of the group, not behind its 300 KB.
    const streams = client.session.incomingUnidirectionalStreams.getReader();
    const data = (async () => {
      const { value: stream } = await streams.read();
      assert.ok(stream, 'a data stream');
      const reader = stream.getReader();
      for (let bytes = 0; bytes < 300_000;) {
        const { value, done } = await reader.read();
        assert.ok(!done, `the stream ended after ${bytes} bytes`);
        bytes += value.byteLength;
      }
      order.push('the cached group');
      reader.releaseLock();
    })();
    await client.send(subscribeMessage(0, ['answer-first']));
    await Promise.all([answered, data]);
    assert.deepEqual(order, ['SUBSCRIBE_OK', 'the cached group']);
    group.close();
    pub.track.close();
    await warmReading;
    client.session.close();
    warm.close();
    pub.session.close();
  });

  test('publisher gone: every subscriber sees the track end with the reason', async () => {
    const pub = await publisher(relay, ['gone'], 'video');
    const subs = await Promise.all([join(relay), join(relay, 'websocket')]);
    const consumers = await Promise.all(subs.map((s) => s.subscribe(['gone'], 'video')));
    const outcomes = consumers.map((c) =>
      readAll(c).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    await writeGroups(pub.track, 1, 3);
    await until(() => relay.origin.route(['gone'])?.track('video')?.latest?.isClosed === true);
    pub.session.close(new MoqError(0x1, 'encoder crashed'));
    for (const error of await Promise.all(outcomes)) {
      assert.ok(error instanceof MoqError, `expected a MoqError, got ${String(error)}`);
      assert.match(error.reason, /encoder crashed/);
    }
    for (const s of subs) s.close();
  });

  test('a clean end is PUBLISH_DONE track ended: readers finish without error', async () => {
    const pub = await publisher(relay, ['clean'], 'video');
    const sub = await join(relay);
    const reading = readAll(await sub.subscribe(['clean'], 'video'));
    await writeGroups(pub.track, 2, 2);
    pub.broadcast.close();
    assert.deepEqual(await reading, expected(2, 2));
    assert.equal(PublishDoneCode.TRACK_ENDED, 0x2);
    sub.close();
    pub.session.close();
  });

  test('a publisher that ends its broadcast and closes at once still ends cleanly', async () => {
    const pub = await publisher(relay, ['quick-exit'], 'video');
    const sub = await join(relay);
    const reading = readAll(await sub.subscribe(['quick-exit'], 'video'));
    await until(() => pub.track.consumerCount === 1);
    await writeGroups(pub.track, 3, 50);
    pub.broadcast.close();
    pub.session.close(); // right away, as a CLI does on exit
    assert.deepEqual(await reading, expected(3, 50));
    await pub.session.closed;
    sub.close();
  });

  test('an unknown broadcast or track is SUBSCRIBE_ERROR with the draft code, end to end', async () => {
    const pub = await publisher(relay, ['known'], 'video');
    const sub = await join(relay);
    for (const [namespace, name] of [
      [['unknown'], 'video'],
      [['known'], 'audio'],
    ] as const) {
      await assert.rejects(sub.subscribe(namespace, name), (error: unknown) => {
        assert.ok(error instanceof MoqError);
        assert.equal(error.code, SubscribeErrorCode.TRACK_DOES_NOT_EXIST);
        return true;
      });
    }
    assert.ok(!sub.isClosed, 'a refused subscription leaves the session open');
    sub.close();
    pub.session.close();
  });

  test('a namespace is published once; the second publisher gets PUBLISH_NAMESPACE_ERROR', async () => {
    const first = await publisher(relay, ['taken'], 'video');
    await assert.rejects(publisher(relay, ['taken'], 'video'), (error: unknown) => {
      assert.ok(error instanceof MoqError);
      assert.equal(error.code, PublishNamespaceErrorCode.NAMESPACE_TAKEN, 'a typed code, not text');
      return true;
    });
    first.session.close();
  });

  test('discovery: SUBSCRIBE_NAMESPACE lists live broadcasts under a prefix and their end', async () => {
    const watcher = await join(relay);
    const abort = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const a of watcher.announced(['shows'], abort.signal)) {
        seen.push(`${a.active ? '+' : '-'}${a.namespace.join('/')}`);
      }
    })();
    const a = await publisher(relay, ['shows', 'a'], 'video');
    const b = await publisher(relay, ['shows', 'b'], 'video');
    const other = await publisher(relay, ['other'], 'video');
    await until(() => seen.length >= 2);
    a.session.close();
    await until(() => seen.length >= 3);
    abort.abort();
    await watching;
    assert.deepEqual(seen, ['+shows/a', '+shows/b', '-shows/a']);
    b.session.close();
    other.session.close();
    watcher.close();
  });
});

describe('relay: FETCH from the cache', () => {
  test('standalone FETCH returns cached objects of a range; nothing cached is NO_OBJECTS', async () => {
    const pub = await publisher(relay, ['fetch', 'standalone'], 'video');
    const watcher = await join(relay);
    const warm = await watcher.subscribe(['fetch', 'standalone'], 'video');
    const reading = readAll(warm);
    await writeGroups(pub.track, 3, 4, 10);
    await until(
      () =>
        relay.origin.route(['fetch', 'standalone'])?.track('video')?.latest?.isClosed === true &&
        relay.origin.route(['fetch', 'standalone'])?.track('video')?.latest?.groupId === 2,
    );
    const client = await join(relay, 'websocket');
    const objects = await client.fetch(
      ['fetch', 'standalone'],
      'video',
      { group: 0, object: 2 },
      { group: 2, object: 0 },
    );
    assert.deepEqual(
      objects.map((o) => `${o.groupId}/${o.objectId}=${new TextDecoder().decode(o.payload)}`),
      [
        '0/2=0:2',
        '0/3=0:3',
        '1/0=1:0',
        '1/1=1:1',
        '1/2=1:2',
        '1/3=1:3',
        '2/0=2:0',
        '2/1=2:1',
        '2/2=2:2',
        '2/3=2:3',
      ],
    );
    await assert.rejects(
      client.fetch(
        ['fetch', 'standalone'],
        'video',
        { group: 50, object: 0 },
        { group: 51, object: 0 },
      ),
      (error: unknown) => error instanceof MoqError && error.code === FetchErrorCode.NO_OBJECTS,
    );
    await assert.rejects(
      client.fetch(['fetch', 'nothing'], 'video', { group: 0, object: 0 }, { group: 1, object: 0 }),
      (error: unknown) =>
        error instanceof MoqError && error.code === FetchErrorCode.TRACK_DOES_NOT_EXIST,
    );
    pub.track.close();
    await reading;
    client.close();
    watcher.close();
    pub.session.close();
  });

  test('joining FETCH returns the groups before a subscription, up to its start', async () => {
    const pub = await publisher(relay, ['fetch', 'joining'], 'video');
    const warm = await join(relay);
    const warmReading = readAll(await warm.subscribe(['fetch', 'joining'], 'video'));
    await writeGroups(pub.track, 2, 3);
    const open = pub.track.createGroup(); // group 2, objects 0..1 so far
    open.write(new TextEncoder().encode('2:0'));
    open.write(new TextEncoder().encode('2:1'));
    await until(
      () => relay.origin.route(['fetch', 'joining'])?.track('video')?.latest?.objectCount === 2,
    );
    const late = await join(relay);
    const consumer = await late.subscribe(['fetch', 'joining'], 'video');
    const history = await late.fetchJoining(consumer, 1);
    assert.deepEqual(
      history.map((o) => `${o.groupId}/${o.objectId}`),
      ['1/0', '1/1', '1/2', '2/0', '2/1'],
    );
    open.close();
    pub.track.close();
    await warmReading;
    late.close();
    warm.close();
    pub.session.close();
  });
});

describe('relay shutdown', () => {
  test('close sends GOAWAY to every session, then ends them', async () => {
    const own = await Relay.start({ port: 0, host: '127.0.0.1' });
    const clients = await Promise.all([join(own), join(own, 'websocket')]);
    const closing = own.close();
    const uris = await Promise.all(clients.map((c) => c.goaway));
    assert.deepEqual(uris, ['', '']);
    await closing;
    for (const c of clients) await assert.rejects(c.closed);
  });
});
