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
import { FFPROBE, makeAudioFmp4 } from '../cmaf/cmaf-test-kit.js';
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
