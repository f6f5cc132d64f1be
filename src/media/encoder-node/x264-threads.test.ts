import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { until } from '../../async/index.js';
import { FFMPEG } from './encoder-test-kit.js';
import { buildFfmpegArgs, testPatternProbe } from './ffmpeg-args.js';
import { SOFTWARE_H264_ENCODER, h264EncodeArgs, x264ThreadsFor } from './h264-encoders.js';
import { parseLadder, type Rendition } from './rendition.js';

test('small ladders get one x264 thread, big ones two frame threads', () => {
  assert.equal(x264ThreadsFor(parseLadder('720p')), 1);
  assert.equal(x264ThreadsFor(parseLadder('480p,360p')), 1);
  assert.equal(x264ThreadsFor(parseLadder('720p,360p')), 2);
  assert.equal(x264ThreadsFor(parseLadder('1080p')), 2);
  assert.equal(x264ThreadsFor(parseLadder('1080p,720p,360p')), 2);
  assert.equal(x264ThreadsFor(parseLadder('720p60')), 2);
  const probe = testPatternProbe({ kind: 'test-pattern' });
  const threadsIn = (ladder: string): string[] =>
    buildFfmpegArgs({ source: { kind: 'test-pattern' }, ladder: parseLadder(ladder) }, probe)
      .args.filter((arg) => arg.startsWith('rc-lookahead='))
      .map((params) => /threads=(\d)/.exec(params)?.[1] ?? '?');
  assert.deepEqual(threadsIn('480p,360p'), ['1', '1']);
  assert.deepEqual(threadsIn('720p,360p'), ['2', '2']);
  assert.deepEqual(threadsIn('1080p,720p,360p'), ['2', '2', '2']);
});

/** Feeds raw frames one at a time and counts the coded slices ffmpeg has written back. */
async function slicesOutAfterEachFrame(rendition: Rendition, frames: number): Promise<number[]> {
  const threads = x264ThreadsFor([rendition]);
  const encode = h264EncodeArgs(SOFTWARE_H264_ENCODER, rendition, 1000, 'superfast', threads);
  const size = `${rendition.width}x${rendition.height}`;
  const ffmpeg = spawn(
    FFMPEG,
    [
      ...['-nostdin', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
      ...['-s', size, '-r', String(rendition.framerate), '-i', 'pipe:0'],
      ...encode,
      ...['-f', 'h264', '-flush_packets', '1', 'pipe:1'],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let slices = 0;
  ffmpeg.stdout.on('data', (chunk: Buffer) => {
    // Annex B start code + a coded slice (IDR 5 or non-IDR 1) NAL header, nal_ref_idc 3 or 2.
    for (let i = 0; i + 3 < chunk.length; i++) {
      if (chunk[i] !== 0 || chunk[i + 1] !== 0 || chunk[i + 2] !== 1) continue;
      const type = (chunk[i + 3] ?? 0) & 0x1f;
      if (type === 5 || type === 1) slices++;
    }
  });
  const frameBytes = (rendition.width * rendition.height * 3) / 2;
  const seen: number[] = [];
  try {
    for (let n = 1; n <= frames; n++) {
      ffmpeg.stdin.write(Buffer.alloc(frameBytes, 16 + n * 8));
      // Frame n is out before frame n + 1 goes in, or it never comes (the timeout fails).
      await until(`frame ${n} coded`, () => slices >= n, { timeoutMs: 15_000, intervalMs: 10 });
      seen.push(slices);
    }
  } finally {
    ffmpeg.stdin.end();
    ffmpeg.kill();
  }
  return seen;
}

test('with one x264 thread each frame leaves the encoder before the next one arrives', async () => {
  const [rendition] = parseLadder('720p');
  assert.ok(rendition);
  assert.deepEqual(await slicesOutAfterEachFrame(rendition, 4), [1, 2, 3, 4]);
});
