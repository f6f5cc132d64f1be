import { Encoder } from '../../src/media/encoder-node/index.js';
import { FFMPEG } from './hls-source.js';
import { CpuWatch } from './process-cpu.js';

export interface EncoderResult {
  mediaSeconds: number;
  wallSeconds: number;
  /** Media seconds encoded per wall-clock second, start-up included. */
  realtimeFactor: number;
  /** ffmpeg's own last `speed=` figure (excludes its start-up), when it reported one. */
  ffmpegSpeed: number | undefined;
  renditions: string[];
  /**
   * ffmpeg's CPU seconds. Media seconds per CPU second tells what the machine could do without
   * other load: on a shared machine the wall-clock factor says more about the neighbours.
   */
  cpuSeconds: number | undefined;
}

const MEDIA_SECONDS = 10;

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.byteLength;
  return bytes;
}

/**
 * The product's encoder (src/media/encoder-node) on 10 s of test pattern with its default ladder
 * (1080p 4.5 Mbps, 720p 2.5 Mbps, 360p 0.8 Mbps) and AAC, as fast as it goes (no -re). Every
 * output is drained, as the publisher would, so ffmpeg never waits on a pipe.
 */
export async function runEncoder(): Promise<EncoderResult> {
  const started = performance.now();
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern' },
    realtime: false,
    durationMs: MEDIA_SECONDS * 1000,
    ffmpegPath: FFMPEG,
  });
  const cpu = new CpuWatch(encoder.pid);
  try {
    await Promise.all([...encoder.outputs.map((o) => drain(o.stream)), encoder.closed]);
  } finally {
    cpu.stop();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    mediaSeconds: MEDIA_SECONDS,
    wallSeconds,
    realtimeFactor: MEDIA_SECONDS / wallSeconds,
    ffmpegSpeed: encoder.progress()?.speed,
    renditions: encoder.outputs.map((o) => o.name),
    cpuSeconds: cpu.stop(),
  };
}
