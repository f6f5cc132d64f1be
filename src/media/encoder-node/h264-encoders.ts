import type { X264Preset } from './encoder-options.js';
import type { Rendition } from './rendition.js';

/**
 * Every H.264 encoder the studio knows, and the one place their ffmpeg arguments live: the
 * low-latency settings each one needs and the GOP settings that keep keyframes on identical
 * timestamps in every rendition (so group N is the same moment on every rung).
 */

/** Hardware encoders in order of preference; the first that works is used. */
export const HARDWARE_H264_ENCODERS = [
  'h264_nvenc',
  'h264_qsv',
  'h264_vaapi',
  'h264_videotoolbox',
  'h264_amf',
] as const;
export type HardwareH264Encoder = (typeof HARDWARE_H264_ENCODERS)[number];

/** The software fallback every ffmpeg build we ship or find has. */
export const SOFTWARE_H264_ENCODER = 'libx264';
export type H264Encoder = typeof SOFTWARE_H264_ENCODER | HardwareH264Encoder;

export const H264_ENCODERS: readonly H264Encoder[] = [
  ...HARDWARE_H264_ENCODERS,
  SOFTWARE_H264_ENCODER,
];

export function isH264Encoder(name: string): name is H264Encoder {
  return (H264_ENCODERS as readonly string[]).includes(name);
}

/** The first VA-API render node; the usual one on Linux with a single GPU. */
const VAAPI_DEVICE = '/dev/dri/renderD128';
const HW_DEVICE_NAME = 'enc';

/**
 * Global arguments an encoder needs before the inputs: VA-API encodes from GPU surfaces, so it
 * needs a device to upload the frames to. The others take frames from system memory.
 */
export function h264DeviceArgs(encoder: H264Encoder): string[] {
  if (encoder !== 'h264_vaapi') return [];
  return [
    '-init_hw_device',
    `vaapi=${HW_DEVICE_NAME}:${VAAPI_DEVICE}`,
    '-filter_hw_device',
    HW_DEVICE_NAME,
  ];
}

/**
 * The end of each rendition's filter chain: the pixel format the encoder takes (nv12 for the
 * GPU encoders, whose native layout it is), uploaded to the GPU for VA-API; empty for x264.
 */
export function h264FilterTail(encoder: H264Encoder): string {
  switch (encoder) {
    case 'h264_vaapi':
      return 'format=nv12,hwupload';
    case 'h264_qsv':
    case 'h264_amf':
    case 'h264_nvenc':
      return 'format=nv12';
    default:
      // The graph converts to yuv420p before it splits: x264 takes that as it is.
      return '';
  }
}

/**
 * The whole video encode of one rendition: the encoder's own low-latency settings, then what is
 * common to all: constant bitrate, no B-frames, a fixed GOP and keyframes forced on the same
 * timestamps in every rendition.
 */
export function h264EncodeArgs(
  encoder: H264Encoder,
  rendition: Rendition,
  gopMs: number,
  preset: X264Preset,
  x264Threads: X264Threads = 2,
): string[] {
  const gopFrames = Math.max(1, Math.round((gopMs / 1000) * rendition.framerate));
  const kbps = `${Math.round(rendition.bitrateBps / 1000)}k`;
  return [
    '-c:v',
    encoder,
    ...lowLatencyArgs(encoder, preset, x264Threads),
    '-b:v',
    kbps,
    '-maxrate',
    kbps,
    '-bufsize',
    kbps,
    '-g',
    String(gopFrames),
    '-keyint_min',
    String(gopFrames),
    '-bf',
    '0',
    // Time-based keyframes land on the same timestamps in every rendition.
    '-force_key_frames',
    `expr:gte(t,n_forced*${gopMs / 1000})`,
  ];
}

function lowLatencyArgs(
  encoder: H264Encoder,
  preset: X264Preset,
  x264Threads: X264Threads,
): string[] {
  switch (encoder) {
    case 'libx264':
      return x264Args(preset, x264Threads);
    case 'h264_nvenc':
      // p1 is NVENC's fastest preset; `ll` disables its lookahead; forced keyframes become IDR
      // frames, which a viewer joining at the group can start decoding from.
      return [
        ...['-preset', 'p1', '-tune', 'll', '-rc', 'cbr', '-zerolatency', '1'],
        ...['-forced-idr', '1', '-delay', '0', '-profile:v', 'high'],
      ];
    case 'h264_qsv':
      // async_depth 1: one frame in flight, so each frame leaves as soon as it is encoded.
      return [
        ...['-preset', 'veryfast', '-look_ahead', '0', '-async_depth', '1'],
        ...['-forced_idr', '1', '-profile:v', 'high'],
      ];
    case 'h264_vaapi':
      return ['-rc_mode', 'CBR', '-async_depth', '1', '-profile:v', 'high'];
    case 'h264_videotoolbox':
      // allow_sw 0: Apple's software fallback is slower than x264; better to use x264 then.
      return ['-realtime', '1', '-allow_sw', '0', '-profile:v', 'high'];
    case 'h264_amf':
      return ['-usage', 'ultralowlatency', '-quality', 'speed', '-rc', 'cbr', '-profile:v', 'high'];
  }
}

/** One x264 thread (no frame of delay) or two frame threads (one frame of delay). */
export type X264Threads = 1 | 2;

/**
 * The pixel rate (summed over the ladder) up to which every rendition gets one x264 thread: one
 * 720p30. ffmpeg 5 encodes inside its one main thread then, after the source's decoding and
 * scaling, so the whole pipeline shares one core. A single x264 thread at `superfast` takes
 * ≈ 6 ns per pixel here (720p30: 5.4 ms a frame); beside a busy machine's other work, more
 * than this made the studio's overload watch step a 720p + 360p ladder down in the tests.
 */
const ONE_THREAD_MAX_PIXELS_PER_SECOND = 1280 * 720 * 30;

/**
 * Two frame threads add one frame of delay (33 ms at 30 fps) to every frame: worth it when one
 * thread would leave the pipeline short of real time. Small ladders (one 720p30, or 480p +
 * 360p) get one thread and that frame back.
 */
export function x264ThreadsFor(ladder: readonly Rendition[]): X264Threads {
  const pixelsPerSecond = ladder.reduce((sum, r) => sum + r.width * r.height * r.framerate, 0);
  return pixelsPerSecond <= ONE_THREAD_MAX_PIXELS_PER_SECOND ? 1 : 2;
}

/**
 * x264 for live: no B-frames, no lookahead, no mb-tree (what `-tune zerolatency` sets), but not
 * zerolatency's sliced threads (Chromium's software decoder took 53 ms instead of 5 ms a frame
 * on sliced streams). Big ladders get two frame threads: one frame (33 ms) more delay, and the
 * encoders overlap instead of taking turns (1.2× → 1.8× real time on two cores).
 * No scene-cut keyframes: they would fall at different times in different renditions.
 */
function x264Args(preset: X264Preset, threads: X264Threads): string[] {
  return [
    '-preset',
    preset,
    '-x264-params',
    `rc-lookahead=0:sync-lookahead=0:mbtree=0:force-cfr=1:threads=${threads}`,
    '-profile:v',
    'high',
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
  ];
}
