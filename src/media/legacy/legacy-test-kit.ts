/**
 * Node-only helpers for tests of hang legacy media: real Opus/AAC from ffmpeg, rewritten as
 * `@moq/publish` sends it (a timestamp varint, then one raw packet or access unit per object).
 * Not part of the folder's public surface.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CatalogTrack } from '../catalog/index.js';
import { FFPROBE, makeAudioFmp4, makeVideoFmp4 } from '../cmaf/cmaf-test-kit.js';
import { Fmp4Splitter, parseFragment, parseInit } from '../cmaf/index.js';
import { toHex } from './hex.js';

/** @moq/hang's own legacy encoder (its .d.ts files do not resolve under NodeNext: typed here). */
const { Legacy } = (await import('@moq/hang/container')) as unknown as {
  Legacy: { encodeFrame(payload: Uint8Array, timestampUs: number): Uint8Array };
};

export interface LegacyAudio {
  /** The hang catalog's rendition, as our catalog reader gives it. */
  track: CatalogTrack;
  /** The hang catalog's audio config, as `@moq/publish` writes it. */
  config: Record<string, unknown>;
  /** One legacy object per frame, in order. */
  objects: Uint8Array[];
}

/** A sine tone of `seconds`, 48 kHz mono, as hang legacy Opus or AAC objects. */
export async function makeLegacyAudio(
  codec: 'opus' | 'aac',
  seconds: number,
  startUs = 0,
): Promise<LegacyAudio> {
  const file = await makeAudioFmp4({ seconds, audioCodec: codec === 'opus' ? 'libopus' : 'aac' });
  const [init, ...chunks] = new Fmp4Splitter().push(file);
  assert.ok(init?.kind === 'init');
  const info = parseInit(init.bytes);
  const objects: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (chunk.kind !== 'chunk') continue;
    for (const sample of parseFragment(chunk.bytes, info.sampleDefaults).samples) {
      const timestampUs = startUs + Math.round((sample.decodeTime * 1e6) / info.timescale);
      objects.push(Legacy.encodeFrame(sample.data, timestampUs));
    }
  }
  const codecString = codec === 'opus' ? 'opus' : 'mp4a.40.2';
  const description = codec === 'aac' && info.description ? toHex(info.description) : undefined;
  const config = {
    codec: codecString,
    sampleRate: 48_000,
    numberOfChannels: 1,
    bitrate: 64_000,
    container: { kind: 'legacy' },
    ...(description ? { description } : {}),
  };
  const track: CatalogTrack = {
    name: 'audio/data',
    packaging: 'legacy',
    isLive: true,
    role: 'audio',
    codec: codecString,
    initData: '',
    samplerate: 48_000,
    channelConfig: '1',
    ...(description ? { description } : {}),
  };
  return { track, config, objects };
}

export interface ProbedAudio {
  codec_name: string;
  sample_rate: string;
  channels: number;
  duration?: string;
  nb_read_frames?: string;
}

/** ffprobe's audio streams of a file, with counted frames and durations. */
export async function probeAudio(bytes: Uint8Array): Promise<ProbedAudio[]> {
  const dir = await mkdtemp(join(tmpdir(), 'moq-legacy-'));
  try {
    const file = join(dir, 'probe.mp4');
    await writeFile(file, bytes);
    const { stdout } = await promisify(execFile)(FFPROBE, [
      ...['-v', 'error', '-count_frames', '-select_streams', 'a', '-show_entries'],
      ...['stream=codec_name,sample_rate,channels,duration,nb_read_frames', '-of', 'json', file],
    ]);
    return (JSON.parse(stdout) as { streams: ProbedAudio[] }).streams;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LegacyObject {
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

/** A 320x180 30 fps H.264 test pattern as hang legacy objects (Annex-B, a keyframe a second). */
export async function makeLegacyVideo(
  seconds: number,
): Promise<{ track: CatalogTrack; config: Record<string, unknown>; objects: LegacyObject[] }> {
  const file = await makeVideoFmp4({ seconds, size: '320x180', gop: 30 });
  const [init, ...chunks] = new Fmp4Splitter().push(file);
  assert.ok(init?.kind === 'init');
  const info = parseInit(init.bytes);
  const sets = parameterSets(info.description ?? new Uint8Array(0));
  const objects: LegacyObject[] = [];
  let objectId = 0;
  for (const chunk of chunks) {
    if (chunk.kind !== 'chunk') continue;
    for (const sample of parseFragment(chunk.bytes, info.sampleDefaults).samples) {
      objectId = sample.keyframe ? 0 : objectId + 1;
      const timestampUs = Math.round((sample.decodeTime * 1e6) / info.timescale);
      const annexB = toAnnexB(sample.data, sample.keyframe ? sets : []);
      objects.push({ objectId, payload: Legacy.encodeFrame(annexB, timestampUs) });
    }
  }
  const config = {
    codec: info.codec,
    codedWidth: 320,
    codedHeight: 180,
    framerate: 30,
    container: { kind: 'legacy' },
  };
  const track: CatalogTrack = {
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
  return { track, config, objects };
}
