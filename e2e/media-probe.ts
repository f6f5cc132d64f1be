// ffprobe over files the tools wrote: streams and per-packet timing, for the media e2e tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedStream {
  index: number;
  codecType: 'video' | 'audio';
  codecName: string;
  width?: number;
  height?: number;
}

export interface ProbedPacket {
  stream: number;
  ptsSec: number;
  keyframe: boolean;
}

interface RawProbe {
  streams?: Array<{
    index: number;
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
  }>;
  packets?: Array<{ stream_index: number; pts_time?: string; flags?: string }>;
}

/** Streams and packets of a media file, in file order. */
export async function probe(
  path: string,
): Promise<{ streams: ProbedStream[]; packets: ProbedPacket[] }> {
  const { stdout } = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=index,codec_type,codec_name,width,height:packet=stream_index,pts_time,flags',
      '-of',
      'json',
      path,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const raw = JSON.parse(stdout) as RawProbe;
  const streams = (raw.streams ?? []).map((s) => ({
    index: s.index,
    codecType: s.codec_type as 'video' | 'audio',
    codecName: s.codec_name,
    ...(s.width !== undefined ? { width: s.width, height: s.height } : {}),
  }));
  const packets = (raw.packets ?? [])
    .filter((p) => p.pts_time !== undefined)
    .map((p) => ({
      stream: p.stream_index,
      ptsSec: Number(p.pts_time),
      keyframe: (p.flags ?? '').includes('K'),
    }));
  return { streams, packets };
}

/** One stream's packet times in presentation order. */
export function timesOf(packets: ProbedPacket[], stream: number, keyframesOnly = false): number[] {
  return packets
    .filter((p) => p.stream === stream && (!keyframesOnly || p.keyframe))
    .map((p) => p.ptsSec)
    .sort((a, b) => a - b);
}

/** The largest step between consecutive times (0 for fewer than two). */
export function largestGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}

/** The smallest step between consecutive times (Infinity for fewer than two). */
export function smallestStep(times: number[]): number {
  let step = Infinity;
  for (let i = 1; i < times.length; i++)
    step = Math.min(step, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return step;
}
