import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { Fmp4Splitter, parseFragment, type CmafChunk, type Fmp4Part } from '../cmaf/index.js';
import { EncoderError } from './encoder-error.js';
import { FFMPEG, FFPROBE } from './encoder-test-kit.js';
import { cmafMuxer, flvMuxer } from './ffmpeg-args.js';
import { FlvVideoPackager } from './flv-video-packager.js';
import { SOFTWARE_H264_ENCODER, h264EncodeArgs } from './h264-encoders.js';
import { parseLadder } from './rendition.js';

const run = promisify(execFile);
const [RENDITION] = parseLadder('240p');
const FRAMES = 45;

/** One deterministic encode (one x264 thread) of the same frames, into the muxer given. */
async function encode(muxer: string[]): Promise<Buffer> {
  assert.ok(RENDITION);
  const { width, height, framerate } = RENDITION;
  const { stdout } = await run(
    FFMPEG,
    [
      ...['-nostdin', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `testsrc2=size=${width}x${height}:rate=${framerate}`, '-frames:v', String(FRAMES)],
      ...h264EncodeArgs(SOFTWARE_H264_ENCODER, RENDITION, 1000, 'superfast', 1),
      ...muxer,
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

function split(bytes: Uint8Array): Fmp4Part[] {
  const splitter = new Fmp4Splitter();
  return [...splitter.push(bytes)];
}

/** Feeds the bytes in uneven pieces, as a pipe delivers them. */
function packageInPieces(flv: Uint8Array, nowMs = (): number => 1_700_000_000_000): Uint8Array {
  assert.ok(RENDITION);
  const packager = new FlvVideoPackager({ ...RENDITION, nowMs });
  const out: Uint8Array[] = [];
  for (let at = 0, piece = 1; at < flv.length; at += piece, piece = (piece * 7) % 4093 || 1) {
    const cmaf = packager.push(flv.subarray(at, at + piece));
    if (cmaf) out.push(cmaf);
  }
  return Buffer.concat(out);
}

test("FLV packaged here carries the same samples as ffmpeg's own CMAF, contiguous and decodable", async () => {
  const [flv, mp4] = await Promise.all([encode(flvMuxer()), encode(cmafMuxer())]);
  const ours = split(packageInPieces(flv));
  const theirs = split(mp4);
  const [ourInit, ...ourChunks] = ours;
  const [theirInit, ...theirChunks] = theirs;
  assert.equal(ourInit?.kind, 'init');
  assert.equal(theirInit?.kind, 'init');
  if (ourInit?.kind !== 'init' || theirInit?.kind !== 'init') return;
  assert.equal(ourInit.track.codec, theirInit.track.codec);
  assert.deepEqual(ourInit.track.description, theirInit.track.description);
  assert.deepEqual([ourInit.track.width, ourInit.track.height], [RENDITION?.width, 240]);
  assert.equal(ourChunks.length, FRAMES);
  assert.equal(theirChunks.length, FRAMES);

  const frameTicks = ourInit.track.timescale / 30;
  (ourChunks as CmafChunk[]).forEach((chunk, i) => {
    const their = theirChunks[i] as CmafChunk;
    assert.equal(chunk.keyframe, their.keyframe, `frame ${i} keyframe`);
    assert.equal(chunk.baseDecodeTime, i * frameTicks, `frame ${i} decode time`);
    assert.equal(chunk.durationTicks, frameTicks);
    assert.equal(chunk.producerTimeMs, 1_700_000_000_000);
    const [ourSample] = parseFragment(chunk.bytes).samples;
    const [theirSample] = parseFragment(their.bytes).samples;
    assert.deepEqual(ourSample?.data, theirSample?.data, `frame ${i} bytes`);
  });
  assert.deepEqual(
    ourChunks.map((c) => (c as CmafChunk).keyframe).flatMap((k, i) => (k ? [i] : [])),
    [0, 30],
  );

  // ffmpeg decodes the whole stream back, every frame.
  const probe = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      FFPROBE,
      [
        ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
        ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', 'pipe:0'],
      ],
      (error, stdout) =>
        error ? reject(new Error(`ffprobe: ${error.message}`)) : resolve(stdout.trim()),
    );
    child.stdin?.end(Buffer.concat([ourInit.bytes, ...ourChunks.map((c) => c.bytes)]));
  });
  assert.equal(probe, String(FRAMES));
});

test("prft keeps the encoder's pace when frames reach the process late and in bursts", async () => {
  const flv = await encode(flvMuxer());
  const startMs = 1_700_000_000_000;
  let frame = 0;
  // The clock is read once per frame: frame n at its media time plus 0–90 ms (the first on time).
  const nowMs = (): number => {
    const n = frame++;
    return startMs + (n * 1000) / 30 + (n === 0 ? 0 : (n * 37) % 91);
  };
  const chunks = split(packageInPieces(flv, nowMs)).filter(
    (p): p is CmafChunk => p.kind === 'chunk',
  );
  assert.equal(chunks.length, FRAMES);
  chunks.forEach((chunk, i) => {
    const expectedMs = startMs + (i * 1000) / 30;
    assert.ok(Math.abs((chunk.producerTimeMs ?? 0) - expectedMs) < 0.01, `frame ${i}`);
  });
});

test('bytes that are not FLV, or a frame before its sequence header, are BAD_OUTPUT', () => {
  assert.ok(RENDITION);
  const notFlv = new FlvVideoPackager(RENDITION);
  assert.throws(
    () => notFlv.push(new TextEncoder().encode('RIFF....WAVEfmt ')),
    (e) => e instanceof EncoderError && e.code === 'BAD_OUTPUT',
  );
  // An FLV header, then one video tag holding an H.264 NALU packet and nothing before it.
  const header = [0x46, 0x4c, 0x56, 1, 1, 0, 0, 0, 9, 0, 0, 0, 0];
  const body = [0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65];
  const tag = [9, 0, 0, body.length, 0, 0, 0, 0, 0, 0, 0, ...body, 0, 0, 0, 11 + body.length];
  const headless = new FlvVideoPackager(RENDITION);
  assert.throws(
    () => headless.push(new Uint8Array([...header, ...tag])),
    (e) => e instanceof EncoderError && e.code === 'BAD_OUTPUT',
  );
});
