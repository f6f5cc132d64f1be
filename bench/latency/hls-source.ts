import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchChild } from './child.js';
import { waitFor } from './wait.js';

export const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
export const HLS_SEGMENT_SECONDS = 1;
const FPS = 30;

/**
 * ffmpeg 5.1's HLS muxer cannot write LL-HLS partial segments (no EXT-X-PART); its DASH muxer's
 * `-lhls` writes the older community EXT-X-PREFETCH form, which hls.js does not play. So the
 * baseline is plain HLS with the shortest segments the GOP allows (1 s), fMP4, and a
 * program-date-time per segment.
 */
function hlsArgs(dir: string): string[] {
  return [
    ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
    ...['-re', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${FPS}`],
    ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-map', '0:v', '-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p'],
    ...['-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k'],
    // GOP 1 s, keyframes only on the grid, no B-frames: the same GOP as our ladder.
    ...['-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0', '-bf', '0'],
    ...['-c:a', 'aac', '-b:a', '128k'],
    ...['-f', 'hls', '-hls_time', String(HLS_SEGMENT_SECONDS), '-hls_list_size', '6'],
    ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4'],
    ...['-hls_segment_filename', join(dir, 'seg%05d.m4s')],
    // temp_file: segments and the playlist appear whole (rename), never half-written.
    ...['-hls_flags', 'independent_segments+program_date_time+delete_segments+temp_file'],
    join(dir, 'index.m3u8'),
  ];
}

export interface HlsSource {
  dir: string;
  /** Wall clock when ffmpeg was started, to check the first program-date-time against. */
  startedAt: number;
  /**
   * The first segment's EXT-X-PROGRAM-DATE-TIME (ms since the epoch). ffmpeg 5.1 reads its wall
   * clock once, when the muxer starts (hls_init, after the encoders' first output), and dates each
   * later segment by adding the earlier segments' media durations. With `-re` the input is read at
   * real time, so a frame's PDT ≈ the wall clock at which ffmpeg read ("captured") it, late by the
   * muxer's start-up delay (encoder start, a few tens of ms): the HLS latency it yields is, if
   * anything, slightly flattering to HLS.
   */
  firstProgramDateTime: number;
  stop: () => Promise<void>;
}

const segmentsIn = (playlist: string): number => (playlist.match(/^#EXTINF:/gm) ?? []).length;

const firstPdt = (playlist: string): number | undefined => {
  const match = /^#EXT-X-PROGRAM-DATE-TIME:(.+)$/m.exec(playlist);
  return match?.[1] ? Date.parse(match[1]) : undefined;
};

async function readPlaylist(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, 'index.m3u8'), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Starts ffmpeg writing the live HLS stream into a temp folder and waits until the playlist
 * holds `segments` segments, so the player joins a stream in its steady state.
 */
export async function startHlsSource(segments: number): Promise<HlsSource> {
  const dir = await mkdtemp(join(tmpdir(), 'moq-bench-hls-'));
  const startedAt = Date.now();
  const ffmpeg = BenchChild.spawn('ffmpeg (HLS)', FFMPEG, hlsArgs(dir));
  const stop = async (): Promise<void> => {
    await ffmpeg.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pdt = await waitFor('the HLS playlist', 30_000, async () => {
      const failure = ffmpeg.failed();
      if (failure) throw failure;
      const playlist = await readPlaylist(dir);
      return playlist && segmentsIn(playlist) >= segments ? firstPdt(playlist) : undefined;
    });
    return { dir, startedAt, firstProgramDateTime: pdt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
