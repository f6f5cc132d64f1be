import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { makeAudioFmp4, makeVideoFmp4 } from './cmaf-test-kit.js';
import { Fmp4Error } from './fmp4-error.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { muxInits } from './init-muxer.js';
import { parseInit, parseInitTracks } from './init-parser.js';

function initOf(file: Uint8Array): Uint8Array {
  const init = new Fmp4Splitter().push(file).find((p) => p.kind === 'init');
  assert.ok(init);
  return init.bytes;
}

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('parseInit', () => {
  let video: Uint8Array;
  let aac: Uint8Array;
  let opus: Uint8Array;
  before(async () => {
    [video, aac, opus] = await Promise.all([
      makeVideoFmp4({ seconds: 1 }).then(initOf),
      makeAudioFmp4({ seconds: 1 }).then(initOf),
      makeAudioFmp4({ seconds: 1, audioCodec: 'libopus' }).then(initOf),
    ]);
  });

  test('H.264: codec string from the avcC, size, timescale, avcC body as description', () => {
    const info = parseInit(video);
    assert.equal(info.kind, 'video');
    assert.equal(info.trackId, 1);
    assert.equal(info.width, 320);
    assert.equal(info.height, 180);
    assert.ok(info.timescale > 0);
    const description = info.description;
    assert.ok(description);
    assert.equal(description[0], 1, 'avcC configurationVersion');
    // RFC 6381: avc1.PPCCLL from the avcC's profile, compatibility and level bytes.
    assert.equal(info.codec, `avc1.${hex(description.subarray(1, 4))}`);
    assert.ok(info.sampleDefaults, 'trex defaults');
  });

  test('AAC: mp4a.40.2 and the AudioSpecificConfig from the esds', () => {
    const info = parseInit(aac);
    assert.equal(info.kind, 'audio');
    assert.equal(info.codec, 'mp4a.40.2');
    assert.equal(info.sampleRate, 48000);
    assert.equal(info.channelCount, 1);
    const asc = info.description;
    assert.ok(asc);
    assert.equal((asc[0] ?? 0) >> 3, 2, 'audio object type AAC-LC');
    assert.equal((((asc[0] ?? 0) & 7) << 1) | ((asc[1] ?? 0) >> 7), 3, '48 kHz index');
    assert.equal(((asc[1] ?? 0) >> 3) & 0xf, 1, 'mono');
  });

  test('Opus: lower-case codec and an OpusHead built from dOps', () => {
    const info = parseInit(opus);
    assert.equal(info.codec, 'opus');
    const head = info.description;
    assert.ok(head);
    assert.equal(new TextDecoder().decode(head.subarray(0, 8)), 'OpusHead');
    const fields = new DataView(head.buffer, head.byteOffset, head.byteLength);
    assert.equal(fields.getUint8(8), 1, 'version');
    assert.equal(fields.getUint8(9), 1, 'channels');
    assert.ok(fields.getUint16(10, true) > 0, 'pre-skip, little-endian');
    assert.equal(fields.getUint32(12, true), 48000);
  });

  test('HEVC: hev1/hvc1 codec string and the hvcC body as description', async () => {
    const hevc = parseInit(initOf(await makeVideoFmp4({ seconds: 1, videoCodec: 'libx265' })));
    assert.match(hevc.codec, /^(hev1|hvc1)\.1\./);
    assert.equal(hevc.description?.[0], 1, 'hvcC configurationVersion');
    assert.equal((hevc.description?.[1] ?? 0) & 0x1f, 1, 'Main profile');
  });

  test('a merged init lists both tracks; parseInit refuses it as multi-track', () => {
    const merged = muxInits([video, aac]);
    const tracks = parseInitTracks(merged);
    assert.deepEqual(
      tracks.map((t) => [t.trackId, t.kind]),
      [
        [1, 'video'],
        [2, 'audio'],
      ],
    );
    assert.throws(
      () => parseInit(merged),
      (e: unknown) => e instanceof Fmp4Error && e.code === 'MULTI_TRACK',
    );
  });

  test('bytes that are no init segment are a typed error', () => {
    const isFmp4Error = (e: unknown): boolean => e instanceof Fmp4Error;
    assert.throws(() => parseInit(video.subarray(0, 28)), isFmp4Error); // ftyp only
    assert.throws(() => parseInit(video.subarray(0, video.length - 10)), isFmp4Error);
    assert.throws(
      () => parseInit(new TextEncoder().encode('hello, this is not an mp4')),
      isFmp4Error,
    );
  });
});
