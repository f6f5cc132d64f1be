import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Encoder } from './encoder.js';
import { EncoderError } from './encoder-error.js';
import type { EncoderProgress } from './encoder-progress.js';
import {
  FFMPEG,
  collectOutputs,
  largestStepS,
  probePackets,
  producerTimes,
  streamStartS,
  topLevelBoxes,
  withTempDir,
  writeOutputs,
} from './encoder-test-kit.js';
import { parseLadder } from './rendition.js';

const smallPattern = { kind: 'test-pattern', width: 1280, height: 720 } as const;

test('a test pattern becomes aligned CMAF renditions plus audio, paced in real time', async () => {
  const encoder = await Encoder.start({
    source: smallPattern,
    ladder: parseLadder('720p,360p'),
    durationMs: 3_200,
    ffmpegPath: FFMPEG,
  });
  assert.ok(encoder.pid > 0);
  assert.deepEqual(
    encoder.outputs.map((o) => [o.name, o.role, o.bitrateBps]),
    [
      ['720p', 'video', 2_500_000],
      ['360p', 'video', 800_000],
      ['audio', 'audio', 128_000],
    ],
  );
  const reports: EncoderProgress[] = [];
  encoder.onProgress((p) => reports.push(p));
  const startedAt = Date.now();
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  const elapsedMs = Date.now() - startedAt;
  assert.ok(elapsedMs > 2_800, `real-time pacing: 3.2 s of media took ${elapsedMs} ms`);

  for (const [name, bytes] of outputs) {
    const boxes = topLevelBoxes(bytes);
    assert.deepEqual(boxes.slice(0, 2), ['ftyp', 'moov'], name);
    const rest = boxes.slice(2);
    assert.ok(rest.length >= 3 * 30, `${name}: ${rest.length / 3} fragments`);
    rest.forEach((type, i) =>
      assert.equal(type, ['prft', 'moof', 'mdat'][i % 3], `${name} box ${i}`),
    );
  }

  const last = encoder.progress();
  assert.ok(last && reports.length >= 3, `${reports.length} progress reports`);
  assert.ok(reports.some((p) => p.fps > 0));
  // Paced in real time: never faster than 1×, whatever the load on the machine.
  assert.ok(last.speed > 0 && last.speed < 1.2, `speed ${last.speed}`);
  assert.ok(last.frame >= 90, `frame ${last.frame}`);
  assert.ok(last.outTimeMs >= 3_000, `outTimeMs ${last.outTimeMs}`);

  await withTempDir(async (dir) => {
    const paths = await writeOutputs(outputs, dir);
    const keyframeTimes: number[][] = [];
    for (const name of ['720p', '360p']) {
      const packets = await probePackets(paths.get(name) ?? '');
      assert.equal(packets.length, 96, `${name}: 3.2 s at 30 fps`);
      // No B-frames: decode order is presentation order.
      largestStepS(packets.map((p) => p.ptsS));
      packets.forEach((p) => assert.equal(p.ptsS, p.dtsS));
      keyframeTimes.push(packets.filter((p) => p.keyframe).map((p) => p.ptsS));
    }
    assert.deepEqual(keyframeTimes[0], [0, 2], 'a keyframe every 2 s, from 0');
    assert.deepEqual(keyframeTimes[1], keyframeTimes[0], 'keyframes aligned across renditions');

    const videoStartS = await streamStartS(paths.get('720p') ?? '');
    const audioStartS = await streamStartS(paths.get('audio') ?? '');
    assert.ok(
      Math.abs(videoStartS - audioStartS) <= 0.04,
      `A ${audioStartS} s, V ${videoStartS} s`,
    );
  });

  // The same wall-clock instant maps to the same media time in audio and video.
  const offsetMs = (name: string): number => {
    const times = producerTimes(outputs.get(name) ?? Buffer.alloc(0)).filter(
      (t) => t.mediaTimeMs < 1e12,
    );
    const offsets = times.map((t) => t.wallClockMs - t.mediaTimeMs).sort((a, b) => a - b);
    return offsets[Math.floor(offsets.length / 2)] ?? Number.NaN;
  };
  const skewMs = offsetMs('audio') - offsetMs('720p');
  assert.ok(Math.abs(skewMs) <= 40, `audio/video wall-clock skew ${skewMs} ms`);
});

test('SIGKILL mid-stream: closed rejects with DIED naming the signal, streams fail too', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 640, height: 360 },
    ladder: parseLadder('360p'),
    audio: 'none',
    ffmpegPath: FFMPEG,
  });
  assert.equal(encoder.outputs.length, 1);
  const [video] = encoder.outputs;
  let bytes = 0;
  await assert.rejects(
    (async () => {
      for await (const chunk of video?.stream ?? []) {
        bytes += chunk.byteLength;
        if (bytes > 50_000) process.kill(encoder.pid, 'SIGKILL');
      }
    })(),
    (e: unknown) => e instanceof EncoderError && e.code === 'DIED',
  );
  await assert.rejects(encoder.closed, (error: unknown) => {
    assert.ok(error instanceof EncoderError);
    assert.equal(error.code, 'DIED');
    assert.match(error.message, new RegExp(`pid ${encoder.pid}`));
    assert.match(error.message, /signal SIGKILL/);
    assert.match(error.message, /exit code none/);
    return true;
  });
});

test('close() ends every stream cleanly, twice is fine, and an early-leaving consumer harms no one', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 640, height: 360 },
    ladder: parseLadder('360p,240p'),
    ffmpegPath: FFMPEG,
  });
  const [first, second, audio] = encoder.outputs;
  // Reads one chunk of 360p, then leaves.
  for await (const chunk of first?.stream ?? []) {
    assert.ok(chunk.byteLength > 0);
    break;
  }
  const rest = Promise.all(
    [second, audio].map(async (output) => {
      let total = 0;
      for await (const chunk of output?.stream ?? []) total += chunk.byteLength;
      return total;
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const closing = [encoder.close(), encoder.close('again')];
  await Promise.all(closing);
  await encoder.closed;
  const [secondBytes = 0, audioBytes = 0] = await rest;
  assert.ok(secondBytes > 10_000, `240p ${secondBytes} bytes`);
  assert.ok(audioBytes > 5_000, `audio ${audioBytes} bytes`);
  assert.throws(() => first?.stream[Symbol.asyncIterator](), /read only once/);
});

test('a consumer that never reads makes the encoder close with CONSUMER_STALLED', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 640, height: 360 },
    ladder: parseLadder('360p'),
    realtime: false,
    maxQueuedBytes: 256 * 1024,
    ffmpegPath: FFMPEG,
  });
  // Only audio is read; the 360p output piles up.
  const audio = encoder.outputs.find((o) => o.name === 'audio');
  const reading = (async () => {
    for await (const chunk of audio?.stream ?? []) assert.ok(chunk.byteLength > 0);
  })();
  await assert.rejects(encoder.closed, (error: unknown) => {
    assert.ok(error instanceof EncoderError);
    assert.equal(error.code, 'CONSUMER_STALLED');
    assert.match(error.message, /output 360p/);
    return true;
  });
  await assert.rejects(reading, /CONSUMER_STALLED|stopped reading/);
});

test('an abort signal closes the encoder; an aborted signal stops start()', async () => {
  await assert.rejects(
    Encoder.start({ source: smallPattern, ffmpegPath: FFMPEG, signal: AbortSignal.abort() }),
    (e: unknown) => e instanceof EncoderError && e.code === 'ABORTED',
  );
  const controller = new AbortController();
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 320, height: 180 },
    ladder: parseLadder('240p'),
    audio: 'none',
    ffmpegPath: FFMPEG,
    signal: controller.signal,
  });
  // A 320x180 source keeps one rung at its own size instead of upscaling to 240p.
  assert.deepEqual(
    encoder.outputs.map((o) => [o.name, o.rendition?.width, o.rendition?.height]),
    [['180p', 320, 180]],
  );
  setTimeout(() => controller.abort(), 500);
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  assert.ok((outputs.get('180p')?.byteLength ?? 0) > 1_000);
});

test('a missing ffmpeg binary fails to start with FAILED_TO_START', async () => {
  await assert.rejects(
    Encoder.start({ source: smallPattern, ffmpegPath: '/nowhere/ffmpeg' }),
    (e: unknown) =>
      e instanceof EncoderError && e.code === 'FAILED_TO_START' && /ENOENT/.test(e.message),
  );
});

test('an ffmpeg that exits before writing anything is FAILED_TO_START with its exit code', async () => {
  // `false` runs and exits 1 at once, like an ffmpeg that rejects its arguments.
  const encoder = await Encoder.start({ source: smallPattern, ffmpegPath: '/bin/false' });
  await assert.rejects(encoder.closed, (error: unknown) => {
    assert.ok(error instanceof EncoderError);
    assert.equal(error.code, 'FAILED_TO_START');
    assert.match(error.message, /exit code 1, signal none/);
    return true;
  });
});
