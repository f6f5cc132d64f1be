/**
 * Node-only helpers for tests of src/media: real fMP4 made by ffmpeg in a temp dir. Not part of
 * the folder's public surface (index.ts), so browser bundles never see node:* imports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

/** CMAF, one fragment per frame, a prft before every moof (as our encoder writes). */
const CMAF_FLAGS = [
  '-movflags',
  'cmaf+empty_moov+default_base_moof+frag_every_frame+separate_moof',
  '-write_prft',
  'wallclock',
];

export interface TestMediaOptions {
  seconds?: number;
  /** Video: `WxH` (default 320x180), 30 fps, a keyframe every `gop` frames (default 60). */
  size?: string;
  gop?: number;
  /** Video codec (default libx264) and B-frames between references (default 0). */
  videoCodec?: 'libx264' | 'libx265';
  bframes?: number;
  /** Audio codec: aac (default) or libopus. */
  audioCodec?: 'aac' | 'libopus';
}

async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'moq-cmaf-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A single-track H.264 (or HEVC) fMP4 with a fixed GOP, no B-frames unless asked. */
export async function makeVideoFmp4(options: TestMediaOptions = {}): Promise<Uint8Array> {
  const gop = String(options.gop ?? 60);
  return withTempDir(async (dir) => {
    const out = join(dir, 'video.mp4');
    await run(FFMPEG, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', `testsrc2=size=${options.size ?? '320x180'}:rate=30`],
      ...[
        '-t',
        String(options.seconds ?? 3),
        '-map',
        '0:v',
        '-c:v',
        options.videoCodec ?? 'libx264',
      ],
      ...['-preset', 'veryfast', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0'],
      ...['-bf', String(options.bframes ?? 0)],
      ...(options.videoCodec === 'libx265' ? ['-x265-params', 'log-level=error'] : []),
      ...['-f', 'mp4', ...CMAF_FLAGS, out],
    ]);
    return new Uint8Array(await readFile(out));
  });
}

/** A single-track audio fMP4 (AAC or Opus) of a sine tone. */
export async function makeAudioFmp4(options: TestMediaOptions = {}): Promise<Uint8Array> {
  return withTempDir(async (dir) => {
    const out = join(dir, 'audio.mp4');
    await run(FFMPEG, [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'sine=sample_rate=48000',
      ],
      ...['-t', String(options.seconds ?? 3), '-map', '0:a', '-c:a', options.audioCodec ?? 'aac'],
      ...['-f', 'mp4', ...CMAF_FLAGS, out],
    ]);
    return new Uint8Array(await readFile(out));
  });
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  nb_read_frames?: string;
}

/** ffprobe's streams of a file (written to a temp dir), with counted frames. */
export async function probeStreams(bytes: Uint8Array): Promise<ProbedStream[]> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'probe.mp4');
    await writeFile(file, bytes);
    const { stdout } = await run(FFPROBE, [
      ...['-v', 'error', '-count_frames', '-show_entries'],
      ...['stream=codec_type,codec_name,nb_read_frames', '-of', 'json', file],
    ]);
    return (JSON.parse(stdout) as { streams: ProbedStream[] }).streams;
  });
}

/** Cuts bytes into pieces of pseudo-random sizes (1 byte to `max`), seeded for repeatability. */
export function chop(bytes: Uint8Array, max: number, seed = 1): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let state = seed;
  for (let at = 0; at < bytes.length;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % max);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** An async source of the given pieces, as a pipe would deliver them. */
export async function* streamOf(pieces: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    await Promise.resolve();
    yield piece;
  }
}

export interface ProbedPacket {
  size: string;
  flags: string;
  pts?: number;
  dts?: number;
}

/** ffprobe's packets of the first stream: sizes and key flags, to check our parse against. */
export async function probePackets(bytes: Uint8Array): Promise<ProbedPacket[]> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'probe.mp4');
    await writeFile(file, bytes);
    const { stdout } = await run(
      FFPROBE,
      ['-v', 'error', '-show_entries', 'packet=size,flags,pts,dts', '-of', 'json', file],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return (JSON.parse(stdout) as { packets: ProbedPacket[] }).packets;
  });
}
