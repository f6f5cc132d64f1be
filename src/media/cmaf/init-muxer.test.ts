import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { concatBytes } from './box-reader.js';
import type { CmafChunk, InitSegment } from './cmaf-types.js';
import { makeAudioFmp4, makeVideoFmp4, probePackets, probeStreams } from './cmaf-test-kit.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { parseFragment } from './fragment-parser.js';
import { muxInits, setTrackId } from './init-muxer.js';

interface Track {
  init: InitSegment;
  chunks: CmafChunk[];
}

function split(file: Uint8Array): Track {
  const parts = new Fmp4Splitter().push(file);
  const [init, ...chunks] = parts;
  assert.ok(init?.kind === 'init');
  return { init, chunks: chunks as CmafChunk[] };
}

describe('muxInits + setTrackId', () => {
  let video: Track;
  let audio: Track;
  let audioPackets: number;
  before(async () => {
    const [v, a] = await Promise.all([
      makeVideoFmp4({ seconds: 2 }),
      makeAudioFmp4({ seconds: 2 }),
    ]);
    video = split(v);
    audio = split(a);
    audioPackets = (await probePackets(a)).length;
  });

  test('separate video and audio tracks become one file ffprobe plays with every frame', async () => {
    const seconds = (track: Track, c: CmafChunk): number =>
      c.baseDecodeTime / track.init.track.timescale;
    const timed = [
      ...video.chunks.map((c) => ({ t: seconds(video, c), bytes: setTrackId(c.bytes, 1) })),
      ...audio.chunks.map((c) => ({ t: seconds(audio, c), bytes: setTrackId(c.bytes, 2) })),
    ].sort((a, b) => a.t - b.t);
    const file = concatBytes([
      muxInits([video.init.bytes, audio.init.bytes]),
      ...timed.map((c) => c.bytes),
    ]);
    const streams = await probeStreams(file);
    assert.deepEqual(
      streams.map((s) => [s.codec_type, s.codec_name, Number(s.nb_read_frames)]),
      [
        ['video', 'h264', 60],
        ['audio', 'aac', audioPackets],
      ],
    );
  });

  test('setTrackId rewrites tfhd in a copy and leaves the samples alone', () => {
    const original = audio.chunks[3]?.bytes;
    assert.ok(original);
    const before = original.slice();
    const moved = setTrackId(original, 7);
    assert.deepEqual(original, before, 'input untouched');
    const a = parseFragment(original);
    const b = parseFragment(moved);
    assert.equal(a.trackId, 1);
    assert.equal(b.trackId, 7);
    assert.deepEqual(
      b.samples.map((s) => s.data),
      a.samples.map((s) => s.data),
    );
  });
});
