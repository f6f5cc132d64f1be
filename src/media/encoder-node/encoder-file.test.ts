import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Encoder } from './encoder.js';
import { EncoderError } from './encoder-error.js';
import {
  FFMPEG,
  collectOutputs,
  largestStepS,
  makeClip,
  probePackets,
  withTempDir,
  writeOutputs,
} from './encoder-test-kit.js';
import { parseLadder } from './rendition.js';

const FRAME_S = 1 / 30;
const AAC_FRAME_S = 1024 / 48_000;

test('a looping file keeps continuous timestamps across each restart', async () => {
  await withTempDir(async (dir) => {
    const clip = join(dir, 'clip.mp4');
    // A 2 s clip with B-frames, its audio not a whole number of AAC frames long.
    await makeClip([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=44100'],
      ...['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-c:a', 'aac', clip],
    ]);
    const encoder = await Encoder.start({
      source: { kind: 'file', path: clip, loop: true },
      ladder: parseLadder('240p'),
      durationMs: 5_000,
      realtime: false,
      ffmpegPath: FFMPEG,
    });
    assert.deepEqual(
      encoder.outputs.map((o) => o.name),
      ['180p', 'audio'],
    );
    assert.equal(encoder.probe.durationMs, 2_000);
    const paths = await writeOutputs(await collectOutputs(encoder), dir);
    await encoder.closed;

    const video = await probePackets(paths.get('180p') ?? '');
    const videoTimes = video.map((p) => p.ptsS);
    assert.ok(largestStepS(videoTimes) <= 1.5 * FRAME_S, 'no gap in video');
    assert.ok(Math.abs((videoTimes.at(-1) ?? 0) - (5 - FRAME_S)) <= 2 * FRAME_S, 'video lasts 5 s');

    const audio = await probePackets(paths.get('audio') ?? '');
    const audioTimes = audio.map((p) => p.ptsS);
    assert.ok(largestStepS(audioTimes) <= 1.5 * AAC_FRAME_S, 'no gap in audio');
    assert.ok(
      Math.abs((audioTimes.at(-1) ?? 0) - 5) <= 0.1,
      `audio lasts 5 s: ${audioTimes.at(-1)}`,
    );
  });
});

test('a missing file is FILE_NOT_FOUND, naming the path', async () => {
  await assert.rejects(
    Encoder.start({ source: { kind: 'file', path: '/nowhere/clip.mp4' }, ffmpegPath: FFMPEG }),
    (e: unknown) =>
      e instanceof EncoderError &&
      e.code === 'FILE_NOT_FOUND' &&
      e.message.includes('/nowhere/clip.mp4'),
  );
});

test('an audio-only file is NO_VIDEO; a file that is not media is BAD_INPUT', async () => {
  await withTempDir(async (dir) => {
    const song = join(dir, 'song.m4a');
    await makeClip(['-f', 'lavfi', '-i', 'sine', '-t', '0.5', '-c:a', 'aac', song]);
    await assert.rejects(
      Encoder.start({ source: { kind: 'file', path: song }, ffmpegPath: FFMPEG }),
      (e: unknown) =>
        e instanceof EncoderError && e.code === 'NO_VIDEO' && e.message.includes(song),
    );
    const notes = join(dir, 'notes.mp4');
    await writeFile(notes, 'these are not the frames you are looking for\n'.repeat(100));
    await assert.rejects(
      Encoder.start({ source: { kind: 'file', path: notes }, ffmpegPath: FFMPEG }),
      (e: unknown) =>
        e instanceof EncoderError && e.code === 'BAD_INPUT' && /cannot read/.test(e.message),
    );
  });
});

test('a video-only file gives video outputs and no audio output', async () => {
  await withTempDir(async (dir) => {
    const clip = join(dir, 'silent.mp4');
    await makeClip(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '1', clip]);
    const encoder = await Encoder.start({
      source: { kind: 'file', path: clip },
      ladder: parseLadder('360p,240p'),
      realtime: false,
      ffmpegPath: FFMPEG,
    });
    // Never upscaled, and never above the source's 25 fps.
    assert.deepEqual(
      encoder.outputs.map((o) => [o.name, o.role, o.rendition?.framerate]),
      [['180p', 'video', 25]],
    );
    const outputs = await collectOutputs(encoder);
    await encoder.closed;
    await writeOutputs(outputs, dir);
    const packets = await probePackets(join(dir, '180p.mp4'));
    assert.equal(packets.length, 25);
    assert.deepEqual(
      packets.filter((p) => p.keyframe).map((p) => p.ptsS),
      [0],
    );
  });
});
