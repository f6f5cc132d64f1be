import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Encoder } from './encoder.js';
import { EncoderError } from './encoder-error.js';
import {
  FFMPEG,
  collectOutputs,
  probePackets,
  topLevelBoxes,
  withTempDir,
  writeOutputs,
} from './encoder-test-kit.js';
import { parseLadder } from './rendition.js';

const FMP4_OUT = [
  '-f',
  'mp4',
  '-movflags',
  'cmaf+empty_moov+default_base_moof+frag_every_frame+separate_moof',
];

function lavfiArgs(seconds: number, withAudio: boolean): string[] {
  const audio = withAudio ? ['-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-c:a', 'aac'] : [];
  return [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
    ...audio,
    ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '0'],
  ];
}

/** An fMP4 stream as `moq-pub` reads it: a live ffmpeg writing to its stdout. */
function liveFmp4(seconds: number, withAudio: boolean): ChildProcessByStdio<null, Readable, null> {
  return spawn(FFMPEG, ['-re', ...lavfiArgs(seconds, withAudio), ...FMP4_OUT, '-'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function fmp4Bytes(seconds: number, withAudio: boolean): Promise<Buffer> {
  const child = spawn(FFMPEG, [...lavfiArgs(seconds, withAudio), ...FMP4_OUT, '-'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('a piped live fMP4 is remuxed (copy) into a source output and an audio output', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'pipe', input: liveFmp4(2, true).stdout },
    ffmpegPath: FFMPEG,
  });
  assert.deepEqual(
    encoder.outputs.map((o) => [o.name, o.role, o.bitrateBps]),
    [
      ['source', 'video', 0],
      ['audio', 'audio', 0],
    ],
  );
  assert.ok(encoder.args.includes('copy'));
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  for (const [name, bytes] of outputs) {
    const boxes = topLevelBoxes(bytes);
    assert.deepEqual(boxes.slice(0, 2), ['ftyp', 'moov'], name);
    assert.deepEqual(boxes.slice(2, 5), ['prft', 'moof', 'mdat'], name);
    assert.equal(boxes.length % 3, 2, name);
  }
  await withTempDir(async (dir) => {
    const paths = await writeOutputs(outputs, dir);
    const packets = await probePackets(paths.get('source') ?? '');
    assert.equal(packets.length, 60, 'every frame of 2 s at 30 fps, none lost or added');
    assert.deepEqual(
      packets.filter((p) => p.keyframe).map((p) => p.ptsS),
      [0, 1],
      'the source keyframes, untouched',
    );
  });
});

test('a piped stream without audio gives only the source output', async () => {
  const encoder = await Encoder.start({
    source: { kind: 'pipe', input: Readable.from([await fmp4Bytes(1, false)]) },
    ffmpegPath: FFMPEG,
  });
  assert.deepEqual(
    encoder.outputs.map((o) => o.name),
    ['source'],
  );
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  assert.ok((outputs.get('source')?.byteLength ?? 0) > 10_000);
});

test('copy: false transcodes a piped stream through the ladder, never upscaling', async () => {
  const bytes = await fmp4Bytes(1, true);
  // Small chunks, as a network or MediaRecorder would deliver them.
  const chunks = Array.from({ length: Math.ceil(bytes.byteLength / 4096) }, (_, i) =>
    bytes.subarray(i * 4096, (i + 1) * 4096),
  );
  const encoder = await Encoder.start({
    source: { kind: 'pipe', input: Readable.from(chunks), copy: false },
    ladder: parseLadder('720p,360p,240p'),
    audio: 'opus',
    ffmpegPath: FFMPEG,
  });
  assert.deepEqual(
    encoder.outputs.map((o) => [o.name, o.rendition?.width]),
    [
      ['360p', 640],
      ['240p', 426],
      ['audio', undefined],
    ],
  );
  const outputs = await collectOutputs(encoder);
  await encoder.closed;
  for (const [name, out] of outputs) {
    assert.deepEqual(topLevelBoxes(out).slice(0, 2), ['ftyp', 'moov'], name);
  }
  await withTempDir(async (dir) => {
    const paths = await writeOutputs(outputs, dir);
    assert.equal((await probePackets(paths.get('240p') ?? '')).length, 30);
  });
});

test('garbage on a pipe is a clear BAD_INPUT error', async () => {
  const garbage = Buffer.alloc(200_000, 'no media here, only words. ');
  await assert.rejects(
    Encoder.start({
      source: { kind: 'pipe', input: Readable.from([garbage]) },
      ffmpegPath: FFMPEG,
    }),
    (error: unknown) => {
      assert.ok(error instanceof EncoderError);
      assert.equal(error.code, 'BAD_INPUT');
      assert.match(error.message, /cannot read the piped input as media/);
      return true;
    },
  );
  await assert.rejects(
    Encoder.start({ source: { kind: 'pipe', input: Readable.from([]) }, ffmpegPath: FFMPEG }),
    (e: unknown) =>
      e instanceof EncoderError && e.code === 'BAD_INPUT' && /ended before/.test(e.message),
  );
});

/** What a browser's MediaRecorder sends: WebM (Matroska) with the given video codec and Opus. */
async function recorderBytes(videoCodec: 'libvpx' | 'libx264'): Promise<Buffer> {
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30'],
    ...['-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '1', '-c:v', videoCodec],
    ...(videoCodec === 'libvpx'
      ? ['-deadline', 'realtime', '-cpu-used', '8']
      : ['-preset', 'ultrafast']),
    ...['-c:a', 'libopus', '-f', 'matroska', '-'],
  ];
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('MediaRecorder-style WebM: H.264 and Opus are copied; VP8 is encoded once at source size', async () => {
  const h264 = await Encoder.start({
    source: { kind: 'pipe', input: Readable.from([await recorderBytes('libx264')]) },
    audio: 'opus',
    ffmpegPath: FFMPEG,
  });
  assert.deepEqual(
    h264.outputs.map((o) => [o.name, o.bitrateBps]),
    [
      ['source', 0],
      ['audio', 0],
    ],
  );
  const copied = await collectOutputs(h264);
  await h264.closed;

  const vp8 = await Encoder.start({
    source: { kind: 'pipe', input: Readable.from([await recorderBytes('libvpx')]) },
    ffmpegPath: FFMPEG,
  });
  assert.deepEqual(
    vp8.outputs.map((o) => [o.name, o.rendition?.width, o.rendition?.height, o.bitrateBps]),
    [
      ['source', 320, 180, 200_000],
      ['audio', undefined, undefined, 128_000],
    ],
  );
  const encoded = await collectOutputs(vp8);
  await vp8.closed;

  await withTempDir(async (dir) => {
    for (const [label, outputs] of [
      ['copied', copied],
      ['encoded', encoded],
    ] as const) {
      for (const [name, bytes] of outputs) {
        assert.deepEqual(topLevelBoxes(bytes).slice(0, 2), ['ftyp', 'moov'], `${label} ${name}`);
      }
      const paths = await writeOutputs(
        outputs,
        await mkdir(join(dir, label), { recursive: true }).then(() => join(dir, label)),
      );
      const packets = await probePackets(paths.get('source') ?? '');
      assert.equal(packets.length, 30, `${label}: 1 s at 30 fps`);
    }
    assert.ok(copied.get('source')?.includes('avc1'));
    assert.ok(copied.get('audio')?.includes('Opus'));
    assert.ok(encoded.get('source')?.includes('avc1'));
    assert.ok(encoded.get('audio')?.includes('mp4a'));
  });
});

test('aborting while a pipe source is still silent stops start() with ABORTED', async () => {
  // A live producer that has not sent its header yet.
  const silent = new Readable({ read: () => undefined });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(
    Encoder.start({
      source: { kind: 'pipe', input: silent },
      ffmpegPath: FFMPEG,
      signal: controller.signal,
    }),
    (e: unknown) => e instanceof EncoderError && e.code === 'ABORTED',
  );
  silent.destroy();
});

test('close() on a live pipe source ends the input to ffmpeg and every output, promptly', async () => {
  const producer = liveFmp4(30, true);
  try {
    const encoder = await Encoder.start({
      source: { kind: 'pipe', input: producer.stdout },
      ffmpegPath: FFMPEG,
      closeGraceMs: 10_000,
    });
    const reading = collectOutputs(encoder);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const closingAt = Date.now();
    await encoder.close();
    // Well inside the grace period: ffmpeg finished on end of input, not on a signal.
    assert.ok(Date.now() - closingAt < 5_000, `close took ${Date.now() - closingAt} ms`);
    await encoder.closed;
    const outputs = await reading;
    assert.ok((outputs.get('source')?.byteLength ?? 0) > 10_000);
    assert.ok((outputs.get('audio')?.byteLength ?? 0) > 1_000);
  } finally {
    producer.kill('SIGKILL');
  }
});
