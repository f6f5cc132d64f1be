import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Fmp4Splitter, parseFragment, type CmafChunk } from '../cmaf/index.js';
import { makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { ProducerClock } from './producer-clock.js';

function split(bytes: Uint8Array): { timescale: number; chunks: CmafChunk[] } {
  const splitter = new Fmp4Splitter();
  const parts = splitter.push(bytes);
  splitter.end();
  const init = parts.find((p) => p.kind === 'init');
  assert.ok(init && init.kind === 'init');
  return {
    timescale: init.track.timescale,
    chunks: parts.flatMap((p) => (p.kind === 'chunk' ? [p] : [])),
  };
}

describe('ProducerClock', () => {
  test('restates every prft as one anchor + media time, across tracks', async () => {
    // Encoded as fast as possible: ffmpeg's own prft runs far ahead of media time's pace.
    const video = split(await makeVideoFmp4({ seconds: 3 }));
    const audio = split(await makeAudioFmp4({ seconds: 3 }));
    const written = video.chunks.map((c) => c.producerTimeMs ?? NaN);
    assert.ok(written.every(Number.isFinite), 'ffmpeg wrote a prft in every chunk');
    const clock = new ProducerClock();
    for (let i = 0; i < Math.max(video.chunks.length, audio.chunks.length); i++) {
      const v = video.chunks[i];
      const a = audio.chunks[i];
      if (v) clock.stamp(v, video.timescale);
      if (a) clock.stamp(a, audio.timescale);
    }
    const anchor = clock.anchorMs;
    assert.ok(anchor !== undefined);
    for (const { chunks, timescale } of [video, audio]) {
      for (const chunk of chunks.slice(20)) {
        const parsed = parseFragment(chunk.bytes);
        const mediaMs = (chunk.baseDecodeTime / timescale) * 1000;
        assert.ok(parsed.producerTimeMs !== undefined);
        // NTP's 32-bit fraction keeps well under a millisecond.
        const offBy = parsed.producerTimeMs - (anchor + mediaMs);
        assert.ok(Math.abs(offBy) < 1, `prft off by ${offBy} ms`);
        assert.equal(chunk.producerTimeMs, anchor + mediaMs);
      }
    }
    // After calibration, media time and the anchored clock advance together, however fast the
    // encoder wrote the chunks.
    const from = video.chunks[20];
    const to = video.chunks.at(-1);
    assert.ok(from && to);
    const spanMs =
      (parseFragment(to.bytes).producerTimeMs ?? 0) -
      (parseFragment(from.bytes).producerTimeMs ?? 0);
    const mediaSpanMs = ((to.baseDecodeTime - from.baseDecodeTime) / video.timescale) * 1000;
    assert.ok(Math.abs(spanMs - mediaSpanMs) < 1, `${spanMs} ms vs ${mediaSpanMs} ms of media`);
    const writtenSpanMs = (written.at(-1) ?? 0) - (written[20] ?? 0);
    assert.ok(
      writtenSpanMs < mediaSpanMs / 2,
      `ffmpeg wrote ${mediaSpanMs} ms in ${writtenSpanMs} ms`,
    );
  });

  test('a chunk without prft is left alone', () => {
    const clock = new ProducerClock();
    const chunk: CmafChunk = {
      kind: 'chunk',
      bytes: new Uint8Array(16),
      keyframe: true,
      baseDecodeTime: 0,
      durationTicks: 1,
    };
    assert.equal(clock.stamp(chunk, 90000), undefined);
    assert.equal(clock.anchorMs, undefined);
  });
});
