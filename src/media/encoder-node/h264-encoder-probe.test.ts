import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Encoder } from './encoder.js';
import { EncoderError } from './encoder-error.js';
import { FFMPEG, collectOutputs } from './encoder-test-kit.js';
import { buildFfmpegArgs, testPatternProbe } from './ffmpeg-args.js';
import {
  chooseH264Encoder,
  describeH264Choice,
  firstCause,
  forgetH264EncoderChoices,
  probeH264Encoders,
} from './h264-encoder-probe.js';
import { HARDWARE_H264_ENCODERS, SOFTWARE_H264_ENCODER } from './h264-encoders.js';
import { parseLadder } from './rendition.js';

test('the probe tries every hardware encoder on the real ffmpeg, each with a one-line reason', async () => {
  const choice = await probeH264Encoders({ ffmpegPath: FFMPEG });
  assert.deepEqual(
    choice.trials.map((trial) => trial.encoder),
    [...HARDWARE_H264_ENCODERS],
  );
  for (const trial of choice.trials) {
    assert.ok(trial.detail.length > 0 && trial.detail.length <= 140, JSON.stringify(trial));
    assert.ok(!trial.detail.includes('\n'), JSON.stringify(trial));
  }
  const working = choice.trials.find((trial) => trial.works);
  // On a machine without a GPU (CI) this is libx264; with one, the first that encoded.
  assert.equal(choice.encoder, working?.encoder ?? SOFTWARE_H264_ENCODER);
  const report = describeH264Choice(choice);
  assert.equal(report.length, HARDWARE_H264_ENCODERS.length + 1);
  assert.match(report.at(-1) ?? '', new RegExp(`^H.264 encoder: ${choice.encoder}`));
  if (!working) {
    assert.equal(report.at(-1), 'H.264 encoder: libx264 (no hardware encoder works)');
    // Debian's ffmpeg has no AMF or VideoToolbox; NVENC finds no CUDA driver.
    const why = new Map(choice.trials.map((trial) => [trial.encoder, trial.detail]));
    assert.match(why.get('h264_videotoolbox') ?? '', /not in this ffmpeg build/);
    assert.match(why.get('h264_nvenc') ?? '', /libcuda|CUDA|nvenc|No capable devices/i);
  }
});

test('the choice is cached per ffmpeg path; an aborted wait does not poison the cache', async () => {
  forgetH264EncoderChoices();
  const aborted = AbortSignal.abort(new Error('going away'));
  await assert.rejects(chooseH264Encoder({ ffmpegPath: FFMPEG, signal: aborted }), /going away/);
  const leaving = new AbortController();
  const gaveUp = chooseH264Encoder({ ffmpegPath: FFMPEG, signal: leaving.signal });
  setTimeout(() => leaving.abort(new Error('closed the window')), 20);
  await assert.rejects(gaveUp, /closed the window/);
  const first = await chooseH264Encoder({ ffmpegPath: FFMPEG });
  const startedAt = Date.now();
  const second = await chooseH264Encoder({ ffmpegPath: FFMPEG });
  assert.equal(second, first, 'the same answer object: no second probe');
  assert.ok(Date.now() - startedAt < 50);
});

test('a probe aborted while it runs rejects with ABORTED', async () => {
  const controller = new AbortController();
  const probing = probeH264Encoders({ ffmpegPath: FFMPEG, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(
    probing,
    (error: unknown) => error instanceof EncoderError && error.code === 'ABORTED',
  );
});

test('a missing ffmpeg makes every trial fail with a reason, and x264 is chosen', async () => {
  const choice = await probeH264Encoders({ ffmpegPath: '/nonexistent/ffmpeg' });
  assert.equal(choice.encoder, 'libx264');
  assert.ok(choice.trials.every((trial) => !trial.works && /ENOENT/.test(trial.detail)));
});

test('the chosen encoder encodes a ladder', async () => {
  const { encoder: videoEncoder } = await chooseH264Encoder({ ffmpegPath: FFMPEG });
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern', width: 640, height: 360 },
    ladder: parseLadder('360p,240p'),
    audio: 'none',
    durationMs: 2_000,
    realtime: false,
    videoEncoder,
    ffmpegPath: FFMPEG,
  });
  assert.ok(encoder.args.includes(videoEncoder));
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  assert.deepEqual([...outputs.keys()], ['360p', '240p']);
  for (const bytes of outputs.values()) assert.ok(bytes.byteLength > 10_000);
});

test('hardware encoders get their device, upload filter and low-latency flags', () => {
  const probe = testPatternProbe({ kind: 'test-pattern' });
  const options = {
    source: { kind: 'test-pattern' } as const,
    ladder: parseLadder('720p,360p'),
    audio: 'none' as const,
  };
  const vaapi = buildFfmpegArgs({ ...options, videoEncoder: 'h264_vaapi' }, probe).args;
  assert.ok(vaapi.indexOf('-init_hw_device') < vaapi.indexOf('-i'), 'the device comes first');
  assert.match(vaapi[vaapi.indexOf('-filter_complex') + 1] ?? '', /format=nv12,hwupload\[out1\]/);
  const nvenc = buildFfmpegArgs({ ...options, videoEncoder: 'h264_nvenc' }, probe).args;
  assert.equal(nvenc.filter((arg) => arg === '-forced-idr').length, 2, 'every rendition');
  assert.equal(nvenc.filter((arg) => arg === '-force_key_frames').length, 2);
  assert.ok(!nvenc.includes('-x264-params'));
  const x264 = buildFfmpegArgs(options, probe).args;
  assert.ok(x264.includes('libx264') && x264.includes('-x264-params'));
  assert.doesNotMatch(x264[x264.indexOf('-filter_complex') + 1] ?? '', /nv12/);
});

test('firstCause skips ffmpeg’s generic lines for the driver’s own', () => {
  const stderr =
    '[h264_qsv @ 0x5601] Error initializing an internal MFX session: unsupported (-3)\n' +
    'Error initializing output stream 0:0 -- Error while opening encoder for output stream\n';
  assert.equal(firstCause(stderr), 'Error initializing an internal MFX session: unsupported (-3)');
  assert.equal(firstCause(''), '');
});
