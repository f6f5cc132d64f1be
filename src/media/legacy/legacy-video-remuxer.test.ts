// Hang legacy H.264 (Annex-B frames behind a timestamp varint, as @moq/publish sends them) into
// CMAF, checked by ffprobe: real frames from ffmpeg, rewritten as hang's publishers write them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { probeStreams } from '../cmaf/cmaf-test-kit.js';
import type { CatalogTrack } from '../catalog/index.js';
import { LegacyFrameError } from './legacy-frame.js';
import { LegacyVideoRemuxer } from './legacy-video-remuxer.js';
import { makeLegacyVideo, type LegacyObject } from './legacy-test-kit.js';

const frames: LegacyObject[] = [];
let track: CatalogTrack;

before(async () => {
  const video = await makeLegacyVideo(2);
  frames.push(...video.objects);
  track = video.track;
});

test('legacy Annex-B frames become an MP4 that ffprobe reads, every frame kept', async () => {
  const remuxer = new LegacyVideoRemuxer(track);
  const parts: Uint8Array[] = [];
  for (const frame of frames) {
    const out = remuxer.push(frame.objectId, frame.payload);
    if (out.init) parts.push(out.init);
    if (out.chunk) parts.push(out.chunk);
  }
  assert.equal(parts.length, frames.length + 1, 'one init, then one chunk per frame');
  const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    file.set(part, at);
    at += part.length;
  }
  const [stream] = await probeStreams(file);
  assert.equal(stream?.codec_name, 'h264');
  assert.equal(Number(stream?.nb_read_frames), frames.length);
});

test('frames before the first keyframe are passed over; other codecs are refused', () => {
  const remuxer = new LegacyVideoRemuxer(track);
  const delta = frames.find((f) => f.objectId > 0) as LegacyObject;
  assert.deepEqual(remuxer.push(delta.objectId, delta.payload), {});
  assert.throws(
    () => new LegacyVideoRemuxer({ ...track, codec: 'vp09.00.10.08' }),
    LegacyFrameError,
  );
});
