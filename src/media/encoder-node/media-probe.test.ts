import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FFMPEG, FFPROBE, makeClip, withTempDir } from './encoder-test-kit.js';
import { probeBytes, probeFile } from './media-probe.js';

test('ffprobe and the `ffmpeg -i` fallback describe a file the same way', async () => {
  await withTempDir(async (dir) => {
    const clip = join(dir, 'clip.mp4');
    await makeClip([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=426x240:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=44100', '-ac', '2'],
      ...['-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', clip],
    ]);
    const expected = {
      video: { codec: 'h264', width: 426, height: 240, framerate: 25 },
      audio: { codec: 'aac', sampleRate: 44_100, channels: 2 },
      durationMs: 1_000,
    };
    const withFfprobe = await probeFile(clip, { ffmpegPath: FFMPEG, ffprobePath: FFPROBE });
    const withFfmpeg = await probeFile(clip, { ffmpegPath: FFMPEG });
    assert.deepEqual(withFfprobe, expected);
    assert.deepEqual(withFfmpeg, expected);

    // The first bytes of the file are enough when they hold the moov (faststart).
    const faststart = join(dir, 'faststart.mp4');
    await makeClip(['-i', clip, '-c', 'copy', '-movflags', 'faststart', faststart]);
    const head = (await readFile(faststart)).subarray(0, 8_000);
    const fromBytes = await probeBytes(head, { ffmpegPath: FFMPEG });
    assert.deepEqual(fromBytes.video?.width, 426);
    assert.deepEqual(fromBytes.audio?.channels, 2);
  });
});
