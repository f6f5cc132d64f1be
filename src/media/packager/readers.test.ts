import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TrackProducer } from '../../moq/index.js';
import { makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { Fmp4Splitter, type CmafChunk, type InitSegment } from '../cmaf/index.js';
import { catalogTrack, CatalogError, encodeCatalog, type Catalog } from '../catalog/index.js';
import { readCatalogs } from '../catalog/index.js';
import { readMedia, type MediaGap, type MediaObject } from './media-reader.js';

describe('readers', () => {
  let init: InitSegment;
  let chunks: CmafChunk[];
  before(async () => {
    const [first, ...rest] = new Fmp4Splitter().push(await makeVideoFmp4({ seconds: 1, gop: 10 }));
    assert.ok(first?.kind === 'init');
    init = first;
    chunks = rest as CmafChunk[];
  });

  test('readMedia: a slow reader is told of the groups it lost and resumes at a group start', async () => {
    const track = new TrackProducer('v', { cacheGroups: 2 });
    const reader = track.consume({ group: 0 });
    for (let g = 0; g < 3; g++) {
      const group = track.createGroup(g);
      for (const chunk of chunks.slice(g * 10, g * 10 + 10)) group.write(chunk.bytes);
      group.close();
    }
    track.close();
    const gaps: MediaGap[] = [];
    const objects: MediaObject[] = [];
    for await (const object of readMedia(reader, undefined, (gap) => gaps.push(gap)))
      objects.push(object);
    assert.deepEqual(gaps, [{ kind: 'gap', reason: 'lagged', fromGroup: 0, toGroup: 0 }]);
    assert.deepEqual(
      objects.map((o) => o.payload),
      chunks.slice(10, 30).map((c) => c.bytes),
    );
    assert.equal(objects[0]?.objectId, 0);
  });

  test('readMedia: a group cut short yields what arrived, reports the cut, goes on', async () => {
    const track = new TrackProducer('v', { cacheGroups: 4 });
    const reader = track.consume({ group: 0 });
    const cut = track.createGroup(0);
    cut.write(chunks[0]!.bytes);
    cut.write(chunks[1]!.bytes);
    cut.close(new Error('upstream reset'));
    const whole = track.createGroup(1);
    whole.write(chunks[10]!.bytes);
    whole.close();
    track.close();
    const gaps: MediaGap[] = [];
    const objects: MediaObject[] = [];
    for await (const object of readMedia(reader, undefined, (gap) => gaps.push(gap)))
      objects.push(object);
    assert.deepEqual(
      objects.map((o) => [o.groupId, o.objectId]),
      [
        [0, 0],
        [0, 1],
        [1, 0],
      ],
    );
    assert.equal(gaps.length, 1);
    assert.ok(gaps[0]?.reason === 'cut' && /upstream reset/.test(gaps[0].error.message));
  });

  test('readMedia stops on abort with the reason', async () => {
    const track = new TrackProducer('v');
    const abort = new AbortController();
    const reading = (async () => {
      for await (const object of readMedia(track.consume(), abort.signal)) {
        assert.fail(`no objects expected, got ${object.groupId}/${object.objectId}`);
      }
    })();
    abort.abort(new Error('viewer left'));
    await assert.rejects(reading, /viewer left/);
  });

  test('readCatalogs: object 0 of each group, skipping cut groups; malformed is an error', async () => {
    const track = new TrackProducer('catalog', { cacheGroups: 8 });
    const reader = track.consume({ group: 0 });
    const entry = catalogTrack(init, { name: 'v' });
    const catalog = (n: number): Catalog => ({ version: 1, generatedAt: n, tracks: [entry] });
    const g0 = track.createGroup();
    g0.write(encodeCatalog(catalog(1)));
    g0.write(new TextEncoder().encode('[{"op":"add"}]')); // a delta update: not ours, skipped
    g0.close();
    track.createGroup().close(new Error('cut before object 0'));
    const g2 = track.createGroup();
    g2.write(encodeCatalog(catalog(2)));
    g2.close();
    const g3 = track.createGroup();
    g3.write(new TextEncoder().encode('{"version":1}'));
    g3.close();
    const catalogs = readCatalogs(reader);
    const generatedAt = async (): Promise<number | undefined> => {
      const next = await catalogs.next();
      return next.done ? undefined : next.value.generatedAt;
    };
    assert.equal(await generatedAt(), 1);
    assert.equal(await generatedAt(), 2);
    await assert.rejects(catalogs.next(), (e: unknown) => e instanceof CatalogError);
  });
});
