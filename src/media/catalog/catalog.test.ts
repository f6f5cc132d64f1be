import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Fmp4Splitter, parseInit, type InitSegment } from '../cmaf/index.js';
import { makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { fromBase64, toBase64 } from './base64.js';
import { decodeCatalog, encodeCatalog } from './catalog-codec.js';
import { CatalogError } from './catalog-error.js';
import {
  audioTracks,
  catalogTrack,
  catalogTrackInfo,
  decodeInitData,
  videoRenditions,
} from './catalog-track.js';
import type { Catalog, CatalogTrack } from './catalog-types.js';

function initOf(file: Uint8Array): InitSegment {
  const init = new Fmp4Splitter().push(file)[0];
  assert.ok(init?.kind === 'init');
  return init;
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const malformed = (e: unknown): boolean => e instanceof CatalogError && e.code === 'MALFORMED';

describe('catalog', () => {
  let small: InitSegment;
  let large: InitSegment;
  let audio: InitSegment;
  let catalog: Catalog;
  before(async () => {
    [small, large, audio] = await Promise.all([
      makeVideoFmp4({ seconds: 1, size: '320x180' }).then(initOf),
      makeVideoFmp4({ seconds: 1, size: '640x360' }).then(initOf),
      makeAudioFmp4({ seconds: 1 }).then(initOf),
    ]);
    catalog = {
      version: 1,
      generatedAt: Date.now(),
      tracks: [
        catalogTrack(small, {
          name: '180p',
          label: '180p',
          bitrateBps: 300e3,
          framerate: 30,
          altGroup: 1,
          renderGroup: 1,
        }),
        catalogTrack(audio, { name: 'audio', bitrateBps: 128e3, renderGroup: 1 }),
        catalogTrack(large, {
          name: '360p',
          label: '360p',
          bitrateBps: 800e3,
          framerate: 30,
          altGroup: 1,
          renderGroup: 1,
        }),
      ],
    };
  });

  test('tracks carry the CMSF fields, and initData is the init segment', () => {
    const [video, sound] = catalog.tracks;
    assert.ok(video && sound);
    assert.equal(video.packaging, 'cmaf');
    assert.equal(video.isLive, true);
    assert.equal(video.role, 'video');
    assert.equal(video.codec, small.track.codec);
    assert.deepEqual(
      [video.width, video.height, video.framerate, video.bitrate],
      [320, 180, 30, 300000],
    );
    assert.equal(video.maxGrpSapStartingType, 2);
    assert.deepEqual(decodeInitData(video), small.bytes);
    assert.deepEqual(catalogTrackInfo(video), small.track);
    assert.deepEqual(catalogTrackInfo(sound), parseInit(audio.bytes));
    assert.equal(sound.codec, 'mp4a.40.2');
    assert.equal(sound.samplerate, 48000);
    assert.equal(sound.channelConfig, '1');
  });

  test('encode then decode is the same catalog; unknown fields are ignored', () => {
    assert.deepEqual(decodeCatalog(encodeCatalog(catalog)), catalog);
    const extended = JSON.parse(new TextDecoder().decode(encodeCatalog(catalog))) as Record<
      string,
      unknown
    >;
    extended.somethingNew = { nested: true };
    (extended.tracks as Record<string, unknown>[])[0]!.targetLatency = 500;
    assert.deepEqual(decodeCatalog(json(extended)), catalog);
  });

  test('tracks we cannot play (LOC, other roles) are left out; MSF draft versions are read', () => {
    const loc = { name: 'loc-video', packaging: 'loc', isLive: true, role: 'video', codec: 'av01' };
    const subs = { name: 'subs', packaging: 'cmaf', isLive: true, role: 'subtitle', codec: 'wvtt' };
    const other = { version: 'draft-01', tracks: [loc, subs, catalog.tracks[1]] };
    const decoded = decodeCatalog(json(other));
    assert.equal(decoded.version, 1);
    assert.deepEqual(
      decoded.tracks.map((t) => t.name),
      ['audio'],
    );
  });

  test('bad JSON, a missing required field or a wrong type is MALFORMED', () => {
    assert.throws(() => decodeCatalog(new TextEncoder().encode('{"version":1,')), malformed);
    assert.throws(() => decodeCatalog(new Uint8Array([0xff, 0xfe])), malformed);
    assert.throws(() => decodeCatalog(json({ version: 1 })), malformed);
    assert.throws(() => decodeCatalog(json({ version: 2, tracks: [] })), malformed);
    const noCodec: Partial<CatalogTrack> = { ...catalog.tracks[0] };
    delete noCodec.codec;
    assert.throws(() => decodeCatalog(json({ version: 1, tracks: [noCodec] })), malformed);
    assert.throws(
      () => decodeCatalog(json({ version: 1, tracks: [{ ...noCodec, codec: 5 }] })),
      malformed,
    );
    assert.throws(() => decodeInitData({ ...catalog.tracks[0]!, initData: '***' }), malformed);
  });

  test('renditions come largest first; audio apart', () => {
    assert.deepEqual(
      videoRenditions(catalog).map((t) => t.name),
      ['360p', '180p'],
    );
    assert.deepEqual(
      audioTracks(catalog).map((t) => t.name),
      ['audio'],
    );
  });

  test('base64 round-trips every byte value and long inputs', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) & 0xff);
    assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
    assert.equal(toBase64(new Uint8Array([0, 255, 1])), 'AP8B');
  });
});
