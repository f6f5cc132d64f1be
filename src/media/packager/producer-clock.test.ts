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
  test('dates samples by the least-delayed chunk: a slow start is forgiven, a backlog shows', async () => {
    const video = split(await makeVideoFmp4({ seconds: 3 }));
    const audio = split(await makeAudioFmp4({ seconds: 3 }));
    assert.ok(
      video.chunks.every((c) => c.producerTimeMs !== undefined),
      'ffmpeg wrote prft',
    );
    // A real-time source started at `startMs`: each chunk left the encoder `delayMs` after its
    // sample was due — long while the encoder warms up, short once it runs, long again in a
    // backlog near the end.
    const startMs = 1_800_000_000_000;
    const delayOf = (mediaMs: number): number => (mediaMs < 300 ? 400 : mediaMs > 2500 ? 900 : 25);
    const clock = new ProducerClock();
    const stamped: Array<{ chunk: CmafChunk; mediaMs: number }> = [];
    const all = [
      ...video.chunks.map((chunk) => ({ chunk, timescale: video.timescale })),
      ...audio.chunks.map((chunk) => ({ chunk, timescale: audio.timescale })),
    ].sort((a, b) => a.chunk.baseDecodeTime / a.timescale - b.chunk.baseDecodeTime / b.timescale);
    for (const { chunk, timescale } of all) {
      const mediaMs = (chunk.baseDecodeTime / timescale) * 1000;
      chunk.producerTimeMs = startMs + mediaMs + delayOf(mediaMs);
      clock.stamp(chunk, timescale);
      stamped.push({ chunk, mediaMs });
    }
    assert.equal(clock.anchorMs, startMs + 25);
    for (const { chunk, mediaMs } of stamped.filter((s) => s.mediaMs >= 300)) {
      const parsed = parseFragment(chunk.bytes).producerTimeMs ?? NaN;
      // NTP's 32-bit fraction keeps well under a millisecond.
      const offBy = parsed - (startMs + 25 + mediaMs);
      assert.ok(Math.abs(offBy) < 1, `prft off by ${offBy} ms at ${mediaMs} ms`);
    }
    // The warm-up chunks were dated by the anchor known then: never earlier than the truth.
    const first = stamped[0];
    assert.ok(first && (first.chunk.producerTimeMs ?? 0) >= startMs + first.mediaMs);
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
