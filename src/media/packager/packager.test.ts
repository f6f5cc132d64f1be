import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BroadcastProducer, type TrackConsumer } from '../../moq/index.js';
import { chop, makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { Fmp4Splitter, parseFragment, type CmafChunk, type InitSegment } from '../cmaf/index.js';
import { CATALOG_TRACK, decodeInitData, type Catalog } from '../catalog/index.js';
import { readCatalogs } from '../catalog/index.js';
import { CATALOG_PRIORITY, MediaPackager } from './media-packager.js';
import { readMedia, type MediaGap, type MediaObject } from './media-reader.js';

interface Media {
  file: Uint8Array;
  init: InitSegment;
  chunks: CmafChunk[];
}

function split(file: Uint8Array): Media {
  const [init, ...chunks] = new Fmp4Splitter().push(file);
  assert.ok(init?.kind === 'init');
  return { file, init, chunks: chunks as CmafChunk[] };
}

interface Gate {
  open: () => void;
  opened: Promise<void>;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** The file in pipe-sized pieces; holds open (a live encoder) until `hold` opens, then ends or throws. */
async function* feed(
  bytes: Uint8Array,
  hold?: Promise<void>,
  failWith?: Error,
): AsyncGenerator<Uint8Array> {
  for (const piece of chop(bytes, 4096)) {
    await Promise.resolve();
    yield piece;
  }
  await hold;
  if (failWith) throw failWith;
}

async function collect(objects: AsyncIterable<MediaObject>): Promise<MediaObject[]> {
  const out: MediaObject[] = [];
  for await (const object of objects) out.push(object);
  return out;
}

async function nextCatalog(catalogs: AsyncGenerator<Catalog>): Promise<Catalog> {
  const next = await catalogs.next();
  assert.ok(!next.done, 'a catalog');
  return next.value;
}

const keyframeOf = (payload: Uint8Array): boolean =>
  parseFragment(payload).samples[0]?.keyframe === true;

describe('MediaPackager', () => {
  let small: Media;
  let large: Media;
  let audio: Media;
  before(async () => {
    const [s, l, a] = await Promise.all([
      makeVideoFmp4({ seconds: 3, size: '320x180', gop: 30 }),
      makeVideoFmp4({ seconds: 3, size: '640x360', gop: 30 }),
      makeAudioFmp4({ seconds: 3 }),
    ]);
    [small, large, audio] = [split(s), split(l), split(a)];
  });

  test(
    'two renditions + audio: catalog, GOP groups, byte-identical objects, late joiner',
    { timeout: 30_000 },
    async () => {
      const broadcast = new BroadcastProducer(['live', 'show']);
      const packager = new MediaPackager(broadcast, { cacheGroups: 10, audioGroupMs: 1000 });
      const catalogs = readCatalogs(broadcast.subscribe(CATALOG_TRACK));
      const end = gate();
      const done = Promise.all([
        packager.addTrack(
          { name: '180p', role: 'video', altGroup: 1, bitrateBps: 300e3 },
          feed(small.file, end.opened),
        ),
        packager.addTrack(
          { name: '360p', role: 'video', altGroup: 1, bitrateBps: 800e3 },
          feed(large.file, end.opened),
        ),
        packager.addTrack({ name: 'audio', role: 'audio' }, feed(audio.file, end.opened)),
      ]);
      await packager.whenReady();

      const catalog = packager.catalog();
      assert.ok(catalog);
      assert.deepEqual(catalog.tracks.map((t) => t.name).sort(), ['180p', '360p', 'audio']);
      const byName = new Map(catalog.tracks.map((t) => [t.name, t]));
      assert.equal(byName.get('180p')?.altGroup, 1);
      assert.equal(byName.get('360p')?.altGroup, 1);
      assert.equal(byName.get('audio')?.altGroup, undefined);
      assert.deepEqual(decodeInitData(byName.get('360p')!), large.init.bytes);
      assert.deepEqual(decodeInitData(byName.get('audio')!), audio.init.bytes);
      // Catalogs come one per change; the last one lists all three.
      let seen = await nextCatalog(catalogs);
      while (seen.tracks.length < 3) seen = await nextCatalog(catalogs);
      assert.deepEqual(seen.tracks, catalog.tracks);
      assert.ok(
        broadcast.liveTrack(CATALOG_TRACK)!.priority < broadcast.liveTrack('audio')!.priority,
      );
      assert.equal(broadcast.liveTrack(CATALOG_TRACK)!.priority, CATALOG_PRIORITY);

      // Wait until every chunk is in (the sources are held open, like a live encoder).
      while (
        Object.values(packager.stats()).reduce((n, s) => n + s.objects, 0) <
        90 + 90 + audio.chunks.length
      ) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const readers = new Map<string, TrackConsumer>(
        ['180p', '360p', 'audio'].map((name) => [name, broadcast.subscribe(name, { group: 0 })]),
      );
      const late = broadcast.subscribe('360p', 'latest');
      const reading = [...readers].map(
        async ([name, consumer]) => [name, await collect(readMedia(consumer))] as const,
      );
      const lateReading = collect(readMedia(late));
      end.open();
      await done;
      const got = new Map(await Promise.all(reading));

      for (const [name, media] of [
        ['180p', small],
        ['360p', large],
      ] as const) {
        const objects = got.get(name)!;
        assert.deepEqual(
          objects.map((o) => o.payload),
          media.chunks.map((c) => c.bytes),
          `${name}: every chunk, byte for byte`,
        );
        // One group per GOP (keyframes at 0, 30, 60), each opened by its keyframe.
        assert.deepEqual([...new Set(objects.map((o) => o.groupId))], [0, 1, 2]);
        for (const object of objects)
          assert.equal(keyframeOf(object.payload), object.objectId === 0);
      }
      const audioObjects = got.get('audio')!;
      assert.deepEqual(
        audioObjects.map((o) => o.payload),
        audio.chunks.map((c) => c.bytes),
      );
      const second = (c: CmafChunk): number =>
        Math.floor(c.baseDecodeTime / audio.init.track.timescale);
      assert.deepEqual(
        audioObjects.map((o) => o.groupId),
        audio.chunks.map(second),
        'audio groups by media second',
      );

      const lateObjects = await lateReading;
      assert.equal(lateObjects[0]?.groupId, 2, 'a late joiner starts at the newest group');
      assert.ok(keyframeOf(lateObjects[0].payload));
      assert.equal(lateObjects.length, 30);

      const stats = packager.stats();
      assert.equal(stats['360p']?.objects, 90);
      assert.equal(stats['360p']?.groups, 3);
      assert.equal(
        stats['360p']?.bytes,
        large.chunks.reduce((n, c) => n + c.bytes.length, 0),
      );
      assert.ok((stats['audio']?.bitrateBps ?? 0) > 0);
      packager.close();
      packager.close();
      await broadcast.liveTrack(CATALOG_TRACK)?.closed;
    },
  );

  test('chunks before the first keyframe are dropped', { timeout: 30_000 }, async () => {
    const broadcast = new BroadcastProducer(['live', 'cut-in']);
    const packager = new MediaPackager(broadcast, { cacheGroups: 10 });
    const end = gate();
    const cutIn = new Uint8Array([
      ...small.init.bytes,
      ...small.chunks.slice(10).flatMap((c) => [...c.bytes]),
    ]);
    const done = packager.addTrack({ name: 'v', role: 'video' }, feed(cutIn, end.opened));
    await packager.whenReady();
    const reader = broadcast.subscribe('v', { group: 0 });
    const reading = collect(readMedia(reader));
    end.open();
    await done;
    const objects = await reading;
    assert.deepEqual(
      objects.map((o) => o.payload),
      small.chunks.slice(30).map((c) => c.bytes),
    );
    assert.equal(objects[0]?.groupId, 0);
    packager.close();
  });

  test(
    'a source that throws mid-way closes its track with that error',
    { timeout: 30_000 },
    async () => {
      const broadcast = new BroadcastProducer(['live', 'broken']);
      const packager = new MediaPackager(broadcast);
      const crash = gate();
      const failing = packager.addTrack(
        { name: 'v', role: 'video' },
        feed(
          small.file.subarray(0, small.file.length / 2),
          crash.opened,
          new Error('encoder crashed'),
        ),
      );
      await packager.whenReady();
      const reader = broadcast.subscribe('v', 'latest');
      const gaps: MediaGap[] = [];
      const reading = collect(readMedia(reader, undefined, (gap) => gaps.push(gap)));
      crash.open();
      await assert.rejects(failing, /encoder crashed/);
      await assert.rejects(reading, /encoder crashed/);
      assert.equal(gaps[0]?.reason, 'cut', 'the open group was cut');
      assert.equal(packager.catalog()?.tracks.length, 0, 'the broken track left the catalog');
      packager.close();
    },
  );

  test(
    'the catalog is republished, in a new group, when a track is added later',
    { timeout: 30_000 },
    async () => {
      const broadcast = new BroadcastProducer(['live', 'grow']);
      const packager = new MediaPackager(broadcast);
      const catalogs = readCatalogs(broadcast.subscribe(CATALOG_TRACK));
      const end = gate();
      const video = packager.addTrack({ name: 'v', role: 'video' }, feed(small.file, end.opened));
      const first = await nextCatalog(catalogs);
      assert.deepEqual(
        first.tracks.map((t) => t.name),
        ['v'],
      );
      const sound = packager.addTrack({ name: 'a', role: 'audio' }, feed(audio.file, end.opened));
      const second = await nextCatalog(catalogs);
      assert.deepEqual(
        second.tracks.map((t) => t.name),
        ['v', 'a'],
      );
      assert.equal(broadcast.liveTrack(CATALOG_TRACK)?.latest?.groupId, 1);
      await assert.rejects(
        packager.addTrack({ name: 'v', role: 'video' }, feed(small.file)),
        /already packaged/,
      );
      await assert.rejects(
        packager.addTrack({ name: 'x', role: 'audio' }, feed(small.file)),
        /carries video/,
      );
      packager.close();
      await Promise.all([video, sound]); // a clean close ends the sources' tracks cleanly
      assert.equal((await catalogs.next()).done, true, 'the catalog track ended');
      await assert.rejects(
        packager.addTrack({ name: 'late', role: 'video' }, feed(small.file)),
        /closed/,
      );
    },
  );
});
