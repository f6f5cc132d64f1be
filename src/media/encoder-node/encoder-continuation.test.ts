import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Encoder } from './encoder.js';
import {
  FFMPEG,
  FFPROBE,
  collectOutputs,
  makeClip,
  producerTimes,
  withTempDir,
} from './encoder-test-kit.js';
import { parseLadder } from './rendition.js';

// An encoder that takes over from another mid-broadcast (fewer renditions after an overload)
// continues the media timeline and, for a file, the position in it.

test('timestampOffsetMs: every output’s media time starts at the offset', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 640, height: 360 },
    ladder: parseLadder('360p,240p'),
    durationMs: 1_000,
    realtime: false,
    timestampOffsetMs: 12_500,
    ffmpegPath: FFMPEG,
  });
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  for (const [name, bytes] of outputs) {
    const times = producerTimes(bytes).map((t) => t.mediaTimeMs);
    assert.ok(times.length > 10, name);
    const first = times[0] ?? 0;
    assert.ok(first >= 12_400 && first < 12_700, `${name} starts at ${first} ms`);
    assert.ok((times.at(-1) ?? 0) > first + 800, `${name} ends at ${times.at(-1)} ms`);
  }
});

test('seekMs: a file source starts that far in', async () => {
  await withTempDir(async (dir) => {
    const clip = `${dir}/clip.mp4`;
    // The picture shows its own timestamp; we only need its length: 4 s.
    await makeClip([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip],
    ]);
    const encoder = await Encoder.start({
      source: { kind: 'file', path: clip },
      ladder: parseLadder('240p'),
      audio: 'none',
      realtime: false,
      seekMs: 3_000,
      ffmpegPath: FFMPEG,
      ffprobePath: FFPROBE,
    });
    const outputs = await collectOutputs(encoder);
    await encoder.closed;
    const times = producerTimes(outputs.get('180p') ?? outputs.get('240p') ?? Buffer.alloc(0));
    const lengthMs = (times.at(-1)?.mediaTimeMs ?? 0) - (times[0]?.mediaTimeMs ?? 0);
    assert.ok(times.length >= 20 && times.length <= 30, `${times.length} frames: the last second`);
    assert.ok(lengthMs < 1_100, `${lengthMs} ms of media`);
  });
});
