import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CmafChunk, TrackInfo } from './cmaf-types.js';
import { makeAudioFmp4, makeVideoFmp4, probePackets, type ProbedPacket } from './cmaf-test-kit.js';
import { Fmp4Error } from './fmp4-error.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { parseFragment } from './fragment-parser.js';

interface Split {
  track: TrackInfo;
  chunks: CmafChunk[];
  packets: ProbedPacket[];
}

async function split(file: Uint8Array): Promise<Split> {
  const parts = new Fmp4Splitter().push(file);
  const init = parts.find((p) => p.kind === 'init');
  assert.ok(init);
  const chunks = parts.filter((p): p is CmafChunk => p.kind === 'chunk');
  return { track: init.track, chunks, packets: await probePackets(file) };
}

describe('parseFragment', () => {
  let video: Split;
  let audio: Split;
  const madeAt = Date.now();
  before(async () => {
    [video, audio] = await Promise.all([
      makeVideoFmp4({ seconds: 3 }).then(split),
      makeAudioFmp4({ seconds: 3 }).then(split),
    ]);
  });

  test('video samples match what ffprobe reads: sizes, keyframes, contiguous decode times', () => {
    const samples = video.chunks.flatMap(
      (c) => parseFragment(c.bytes, video.track.sampleDefaults).samples,
    );
    assert.equal(samples.length, 90);
    assert.deepEqual(
      samples.map((s) => s.data.length),
      video.packets.map((p) => Number(p.size)),
    );
    assert.deepEqual(
      samples.map((s) => s.keyframe),
      video.packets.map((p) => p.flags.startsWith('K')),
    );
    assert.deepEqual(
      samples.flatMap((s, i) => (s.keyframe ? [i] : [])),
      [0, 60],
    );
    let expected = 0;
    for (const sample of samples) {
      assert.equal(sample.decodeTime, expected);
      assert.equal(sample.compositionOffset, 0); // no B-frames
      expected += sample.duration;
    }
    // The first sample is an H.264 access unit in AVCC form: 4-byte length + NAL header.
    const first = samples[0]?.data;
    assert.ok(first);
    const nalLength = new DataView(first.buffer, first.byteOffset).getUint32(0);
    assert.ok(nalLength > 0 && nalLength + 4 <= first.length);
  });

  test('audio samples match ffprobe; prft gives the wall clock of the encode', () => {
    const parsed = audio.chunks.map((c) => parseFragment(c.bytes, audio.track.sampleDefaults));
    const samples = parsed.flatMap((f) => f.samples);
    assert.deepEqual(
      samples.map((s) => s.data.length),
      audio.packets.map((p) => Number(p.size)),
    );
    assert.ok(samples.every((s) => s.keyframe));
    // AAC frames are 1024 samples; only the stream's last one may be cut short.
    assert.ok(samples.slice(0, -1).every((s) => s.duration === 1024));
    for (const fragment of parsed) {
      assert.equal(fragment.trackId, 1);
      assert.ok(fragment.producerTimeMs !== undefined);
      assert.ok(Math.abs(fragment.producerTimeMs - madeAt) < 60_000, 'prft near now');
    }
  });

  test('B-frames: composition offsets give the presentation times ffprobe reads', async () => {
    const bframes = await split(await makeVideoFmp4({ seconds: 1, bframes: 2 }));
    const samples = bframes.chunks.flatMap((c) => parseFragment(c.bytes).samples);
    assert.ok(samples.some((s) => s.compositionOffset !== 0));
    assert.deepEqual(
      samples.map((s) => s.decodeTime),
      bframes.packets.map((p) => p.dts),
    );
    // ffprobe applies the edit list (a constant shift); the presentation order must match.
    const shift = (bframes.packets[0]?.pts ?? 0) - (samples[0]?.compositionOffset ?? 0);
    assert.deepEqual(
      samples.map((s) => s.decodeTime + s.compositionOffset + shift),
      bframes.packets.map((p) => p.pts),
    );
  });

  test('a sample running past its mdat, or a cut moof, is MALFORMED', () => {
    const chunk = video.chunks[1]?.bytes;
    assert.ok(chunk);
    const short = chunk.slice(0, chunk.length - 1);
    const data = new DataView(short.buffer);
    // The mdat is the last box: shrink its size field with it.
    const mdatAt = short.length - (chunk.length - lastBoxStart(chunk));
    data.setUint32(mdatAt, data.getUint32(mdatAt) - 1);
    const malformed = (e: unknown): boolean => e instanceof Fmp4Error && e.code === 'MALFORMED';
    assert.throws(() => parseFragment(short), malformed);
    assert.throws(() => parseFragment(chunk.subarray(0, 60)), malformed);
  });
});

function lastBoxStart(bytes: Uint8Array): number {
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let last = 0;
  while (at < bytes.length) {
    last = at;
    at += data.getUint32(at);
  }
  return last;
}
