/**
 * The HLS baseline's page (bundled with hls.js by esbuild): plays the ffmpeg HLS stream in a
 * `<video>` with hls.js tuned for the lowest latency it offers, and exposes the latency figure.
 */
import Hls from 'hls.js';
import { installFrameProbe } from './frame-probe.js';

declare global {
  interface Window {
    benchHls?: { latencyMs: () => number | null; errors: string[] };
  }
}

/**
 * The live sync point in segments behind the live edge. 1 is the least hls.js allows as a count;
 * with 1 s segments it holds one segment of buffer, which plays without stalls on loopback.
 * `?liveSync=SECONDS` sets it in seconds instead (BENCH_HLS_LIVE_SYNC), to try less than a segment.
 */
const LIVE_SYNC_SEGMENTS = 1;

function liveSyncConfig():
  | { liveSyncDuration: number; liveMaxLatencyDuration: number }
  | {
      liveSyncDurationCount: number;
      liveMaxLatencyDurationCount: number;
    } {
  const seconds = Number(new URLSearchParams(location.search).get('liveSync'));
  if (seconds > 0) return { liveSyncDuration: seconds, liveMaxLatencyDuration: seconds + 2 };
  return {
    liveSyncDurationCount: LIVE_SYNC_SEGMENTS,
    liveMaxLatencyDurationCount: LIVE_SYNC_SEGMENTS + 2,
  };
}

function start(): void {
  installFrameProbe();
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.append(video);
  const errors: string[] = [];
  const hls = new Hls({
    // Only matters for LL-HLS playlists (EXT-X-PART); ffmpeg 5.1 writes none, see hls-source.ts.
    lowLatencyMode: true,
    ...liveSyncConfig(),
    maxLiveSyncPlaybackRate: 1.5,
    backBufferLength: 4,
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) errors.push(`${data.type}: ${data.details}`);
  });
  hls.loadSource(new URL('live/index.m3u8', location.href).href);
  hls.attachMedia(video);
  window.benchHls = {
    // playingDate: the playlist's EXT-X-PROGRAM-DATE-TIME of the playing segment plus the
    // position in it, i.e. the wall clock at which ffmpeg produced the frame on screen.
    latencyMs: () => {
      const date = hls.playingDate;
      return date ? Date.now() - date.getTime() : null;
    },
    errors,
  };
}

start();
