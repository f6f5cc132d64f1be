// Helpers for the encoder's tests: real ffmpeg/ffprobe runs, no mocks.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encoder } from './encoder.js';
import { runTool } from './run-tool.js';

export const FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'encoder-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads every output to the end; returns the bytes of each by output name. */
export async function collectOutputs(encoder: Encoder): Promise<Map<string, Buffer>> {
  const entries = await Promise.all(
    encoder.outputs.map(async (output) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of output.stream) chunks.push(chunk);
      return [output.name, Buffer.concat(chunks)] as const;
    }),
  );
  return new Map(entries);
}

export async function writeOutputs(
  outputs: Map<string, Buffer>,
  dir: string,
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const [name, bytes] of outputs) {
    const path = join(dir, `${name}.mp4`);
    await writeFile(path, bytes);
    paths.set(name, path);
  }
  return paths;
}

/** The types of the top-level boxes of an MP4 byte stream, in order. */
export function topLevelBoxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.byteLength) {
    let size = view.getUint32(offset);
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    if (size < 8) throw new Error(`bad box size ${size} at ${offset}`);
    types.push(String.fromCharCode(...bytes.subarray(offset + 4, offset + 8)));
    offset += size;
  }
  if (offset !== bytes.byteLength) throw new Error(`truncated box at ${offset}`);
  return types;
}

export interface ProbedPacket {
  ptsS: number;
  dtsS: number;
  keyframe: boolean;
}

/** The packets of a file's first stream, in decode order. */
export async function probePackets(path: string): Promise<ProbedPacket[]> {
  const args = [
    '-v',
    'error',
    '-show_entries',
    'packet=pts_time,dts_time,flags',
    '-of',
    'csv=p=0',
    path,
  ];
  const result = await runTool(FFPROBE, args, { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(`ffprobe failed: ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [pts = '', dts = '', flags = ''] = line.split(',');
      return { ptsS: Number(pts), dtsS: Number(dts), keyframe: flags.includes('K') };
    });
}

export async function streamStartS(path: string): Promise<number> {
  const args = ['-v', 'error', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', path];
  const result = await runTool(FFPROBE, args);
  return Number(result.stdout.trim().split('\n')[0]);
}

/** Runs ffmpeg to make a test clip; throws with its stderr when it fails. */
export async function makeClip(args: string[]): Promise<void> {
  const result = await runTool(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    timeoutMs: 30_000,
  });
  if (result.exitCode !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
}

/** The largest step between consecutive timestamps; throws if any step is not forward. */
export function largestStepS(timesS: number[]): number {
  let largest = 0;
  for (let i = 1; i < timesS.length; i++) {
    const step = (timesS[i] ?? 0) - (timesS[i - 1] ?? 0);
    if (!(step > 0))
      throw new Error(`timestamp ${timesS[i]} does not follow ${timesS[i - 1]} (#${i})`);
    largest = Math.max(largest, step);
  }
  return largest;
}

/** Media timescale of the (single) track, from its `mdhd`. */
export function timescaleOf(bytes: Buffer): number {
  const at = bytes.indexOf('mdhd');
  if (at < 0) throw new Error('no mdhd');
  const version = bytes[at + 4];
  return bytes.readUInt32BE(at + (version === 1 ? 24 : 16));
}

export interface ProducerTime {
  wallClockMs: number;
  mediaTimeMs: number;
}

/** The wall-clock ↔ media-time pairs of every `prft` box of a stream. */
export function producerTimes(bytes: Buffer): ProducerTime[] {
  const timescale = timescaleOf(bytes);
  const NTP_TO_UNIX_S = 2_208_988_800;
  const times: ProducerTime[] = [];
  let offset = 0;
  while (offset + 8 <= bytes.byteLength) {
    const size = bytes.readUInt32BE(offset);
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'prft') {
      const version = bytes[offset + 8];
      const seconds = bytes.readUInt32BE(offset + 16) - NTP_TO_UNIX_S;
      const fraction = bytes.readUInt32BE(offset + 20) / 2 ** 32;
      const mediaTime =
        version === 1
          ? Number(bytes.readBigUInt64BE(offset + 24))
          : bytes.readUInt32BE(offset + 24);
      times.push({
        wallClockMs: (seconds + fraction) * 1000,
        mediaTimeMs: (mediaTime / timescale) * 1000,
      });
    }
    offset += size;
  }
  return times;
}
