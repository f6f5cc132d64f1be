// Hang catalogs (moq-dev's `@moq/hang` `catalog.json`) both ways, checked against @moq/hang's
// own schema: what we write it accepts, and what its publishers write we read.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Fmp4Splitter, type InitSegment } from '../cmaf/index.js';
import { makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { CatalogError } from './catalog-error.js';
import { catalogTrack } from './catalog-track.js';
import type { Catalog } from './catalog-types.js';
import { applyMergePatch, decodeHangCatalog, encodeHangCatalog } from './hang-catalog.js';

function initOf(file: Uint8Array): InitSegment {
  const init = new Fmp4Splitter().push(file)[0];
  assert.ok(init?.kind === 'init');
  return init;
}

/** @moq/hang's own catalog schema (its .d.ts files do not resolve under NodeNext: typed here). */
interface HangRendition {
  codec: string;
  container: unknown;
  codedHeight?: number;
  sampleRate?: number;
}
interface HangRoot {
  video?: { renditions: Record<string, HangRendition | undefined> };
  audio?: { renditions: Record<string, HangRendition | undefined> };
}
const { RootSchema } = (await import('@moq/hang/catalog')) as unknown as {
  RootSchema: { parse(value: unknown): HangRoot; safeParse(value: unknown): { success: boolean } };
};

const malformed = (e: unknown): boolean => e instanceof CatalogError && e.code === 'MALFORMED';

/** What `@moq/publish` writes: legacy container (the default), H.264 Annex-B, Opus. */
const PUBLISH_STYLE = {
  video: {
    renditions: {
      'video/hd': {
        codec: 'avc1.42e01f',
        container: { kind: 'legacy' },
        codedWidth: 1280,
        codedHeight: 720,
        framerate: 30,
        bitrate: 2_000_000,
        optimizeForLatency: true,
        somethingNew: { nested: true },
      },
    },
    display: { width: 1280, height: 720 },
  },
  audio: {
    renditions: {
      'audio/data': { codec: 'opus', sampleRate: 48_000, numberOfChannels: 2, bitrate: 64_000 },
    },
  },
  chat: { whatever: 1 },
};

describe('hang catalog', () => {
  let catalog: Catalog;
  before(async () => {
    const [video, audio] = await Promise.all([
      makeVideoFmp4({ seconds: 1, size: '640x360' }).then(initOf),
      makeAudioFmp4({ seconds: 1 }).then(initOf),
    ]);
    catalog = {
      version: 1,
      generatedAt: 0,
      tracks: [
        catalogTrack(video, { name: '360p', label: '360p', bitrateBps: 600_000, altGroup: 1 }),
        catalogTrack(audio, { name: 'audio', bitrateBps: 96_000 }),
      ],
    };
  });

  test('ours is a catalog @moq/hang accepts, CMAF with the init inline', () => {
    const json: unknown = JSON.parse(new TextDecoder().decode(encodeHangCatalog(catalog)));
    const parsed = RootSchema.parse(json);
    const video = parsed.video?.renditions['360p'];
    assert.equal(video?.codec, catalog.tracks[0]?.codec);
    assert.deepEqual(video?.container, { kind: 'cmaf', init: catalog.tracks[0]?.initData });
    assert.equal(video?.codedHeight, 360);
    assert.equal(parsed.audio?.renditions.audio?.sampleRate, catalog.tracks[1]?.samplerate);
  });

  test('ours reads back as the same tracks', () => {
    const json: unknown = JSON.parse(new TextDecoder().decode(encodeHangCatalog(catalog)));
    const back = decodeHangCatalog(json);
    assert.deepEqual(
      back.tracks.map((t) => [t.name, t.role, t.packaging, t.codec, t.initData]),
      catalog.tracks.map((t) => [t.name, t.role, 'cmaf', t.codec, t.initData]),
    );
  });

  test("@moq/publish's shape: legacy tracks, unknown fields and sections ignored", () => {
    assert.ok(RootSchema.safeParse(PUBLISH_STYLE).success, '@moq/hang accepts the fixture');
    const read = decodeHangCatalog(PUBLISH_STYLE);
    const [video, audio] = read.tracks;
    assert.equal(video?.packaging, 'legacy');
    assert.equal(video?.role, 'video');
    assert.equal(video?.height, 720);
    assert.equal(video?.label, '720p');
    assert.equal(video?.initData, '');
    assert.equal(audio?.packaging, 'legacy', 'no container means legacy');
    assert.equal(audio?.samplerate, 48_000);
    assert.equal(audio?.channelConfig, '2');
  });

  test('the older array form and a container we cannot read (loc) are handled', () => {
    const read = decodeHangCatalog({
      video: [
        { track: { name: 'a' }, config: { codec: 'avc1.42e01f', container: { kind: 'legacy' } } },
        { track: { name: 'b' }, config: { codec: 'avc1.42e01f', container: { kind: 'loc' } } },
      ],
    });
    assert.deepEqual(
      read.tracks.map((t) => t.name),
      ['a'],
    );
  });

  test('broken catalogs are MALFORMED with the place named', () => {
    assert.throws(() => decodeHangCatalog([]), malformed);
    assert.throws(() => decodeHangCatalog('x'), malformed);
    assert.throws(
      () => decodeHangCatalog({ video: { renditions: { a: { container: { kind: 'legacy' } } } } }),
      (e: unknown) => malformed(e) && /video\.a/.test((e as Error).message),
    );
    assert.throws(
      () =>
        decodeHangCatalog({
          video: { renditions: { a: { codec: 'avc1', container: { kind: 'cmaf' } } } },
        }),
      malformed,
      'cmaf without init',
    );
    assert.throws(
      () =>
        decodeHangCatalog({
          audio: { renditions: { a: { codec: 'opus', sampleRate: -1, numberOfChannels: 2 } } },
        }),
      malformed,
    );
    assert.throws(
      () =>
        decodeHangCatalog({ video: { renditions: { a: { codec: 'avc1', description: 'xyz' } } } }),
      malformed,
      'description not hex',
    );
  });

  test('merge patches (RFC 7396) change, add and delete', () => {
    const base = { video: { renditions: { a: { codec: 'x', bitrate: 1 } } }, audio: { n: 1 } };
    const next = applyMergePatch(base, {
      video: { renditions: { a: { bitrate: 2 }, b: { codec: 'y' } } },
      audio: null,
    });
    assert.deepEqual(next, {
      video: { renditions: { a: { codec: 'x', bitrate: 2 }, b: { codec: 'y' } } },
    });
    assert.deepEqual(base.video.renditions.a.bitrate, 1, 'the target is not changed');
  });
});
