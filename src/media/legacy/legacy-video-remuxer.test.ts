// Hang legacy H.264 (Annex-B frames behind a timestamp varint, as @moq/publish sends them) into
// CMAF, checked by ffprobe: real frames from ffmpeg, rewritten as hang's publishers write them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Fmp4Splitter, parseFragment, parseInit } from '../cmaf/index.js';
import { makeVideoFmp4, probeStreams } from '../cmaf/cmaf-test-kit.js';
import type { CatalogTrack } from '../catalog/index.js';
import { LegacyFrameError } from './legacy-frame.js';
import { LegacyVideoRemuxer } from './legacy-video-remuxer.js';

/** @moq/hang's own legacy encoder (its .d.ts files do not resolve under NodeNext: typed here). */
const { Legacy } = (await import('@moq/hang/container')) as unknown as {
  Legacy: { encodeFrame(payload: Uint8Array, timestampUs: number): Uint8Array };
};

interface LegacyObject {
  objectId: number;
  payload: Uint8Array;
}

const START = new Uint8Array([0, 0, 0, 1]);

/** avcC's SPS and PPS as Annex-B units (what an Annex-B keyframe carries in band). */
function parameterSets(avcC: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 5;
  const spsCount = (avcC[at++] ?? 0) & 0x1f;
  for (let i = 0; i < spsCount; i++) {
    const size = ((avcC[at] ?? 0) << 8) | (avcC[at + 1] ?? 0);
    out.push(avcC.subarray(at + 2, at + 2 + size));
    at += 2 + size;
  }
  const ppsCount = avcC[at++] ?? 0;
  for (let i = 0; i < ppsCount; i++) {
    const size = ((avcC[at] ?? 0) << 8) | (avcC[at + 1] ?? 0);
    out.push(avcC.subarray(at + 2, at + 2 + size));
    at += 2 + size;
  }
  return out;
}

function toAnnexB(sample: Uint8Array, prefix: Uint8Array[]): Uint8Array {
  const units = [...prefix];
  const view = new DataView(sample.buffer, sample.byteOffset, sample.byteLength);
  for (let at = 0; at < sample.length;) {
    const size = view.getUint32(at);
    units.push(sample.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  const out = new Uint8Array(units.reduce((n, u) => n + 4 + u.length, 0));
  let at = 0;
  for (const unit of units) {
    out.set(START, at);
    out.set(unit, at + 4);
    at += 4 + unit.length;
  }
  return out;
}

const frames: LegacyObject[] = [];
let track: CatalogTrack;

before(async () => {
  const file = await makeVideoFmp4({ seconds: 2, size: '320x180', gop: 30 });
  const [init, ...chunks] = new Fmp4Splitter().push(file);
  assert.ok(init?.kind === 'init');
  const info = parseInit(init.bytes);
  const sets = parameterSets(info.description ?? new Uint8Array(0));
  let objectId = 0;
  for (const chunk of chunks) {
    if (chunk.kind !== 'chunk') continue;
    for (const sample of parseFragment(chunk.bytes, info.sampleDefaults).samples) {
      objectId = sample.keyframe ? 0 : objectId + 1;
      const timestampUs = Math.round((sample.decodeTime * 1e6) / info.timescale);
      const annexB = toAnnexB(sample.data, sample.keyframe ? sets : []);
      frames.push({ objectId, payload: Legacy.encodeFrame(annexB, timestampUs) });
    }
  }
  track = {
    name: 'video/hd',
    packaging: 'legacy',
    isLive: true,
    role: 'video',
    codec: info.codec,
    initData: '',
    width: 320,
    height: 180,
    framerate: 30,
  };
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
