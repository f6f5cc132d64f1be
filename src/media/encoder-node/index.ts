/**
 * The ffmpeg encoder (Node only): one ffmpeg per broadcast, a ladder of H.264 renditions with
 * keyframes on identical timestamps (x264, or a hardware encoder that was probed to work) plus
 * one audio output, each a single-track CMAF fMP4 byte
 * stream (`ftyp moov`, then `prft moof mdat` per frame) on a pipe of its own.
 */
export { EncoderError, type EncoderErrorCode } from './encoder-error.js';
export { findFfmpeg, findFfprobe, type FindToolOptions } from './find-ffmpeg.js';
export { DEFAULT_LADDER, fitLadder, parseLadder, type Rendition } from './rendition.js';
export {
  H264_ENCODERS,
  HARDWARE_H264_ENCODERS,
  SOFTWARE_H264_ENCODER,
  isH264Encoder,
  type H264Encoder,
  type HardwareH264Encoder,
} from './h264-encoders.js';
export {
  chooseH264Encoder,
  describeH264Choice,
  forgetH264EncoderChoices,
  probeH264Encoders,
  type H264EncoderChoice,
  type H264EncoderTrial,
  type H264ProbeOptions,
} from './h264-encoder-probe.js';
export {
  describeLadderChoice,
  ladderCandidates,
  measureLadder,
  type LadderChoice,
  type LadderMeasurement,
  type LadderProbeOptions,
} from './ladder-probe.js';
export { X264_PRESETS, defaultPreset, type X264Preset } from './encoder-options.js';
export type {
  AudioCodec,
  EncoderOptions,
  EncoderSource,
  FileSource,
  PipeSource,
  TestPatternSource,
} from './encoder-options.js';
export type { EncoderProgress } from './encoder-progress.js';
export {
  buildFfmpegArgs,
  testPatternProbe,
  type FfmpegPlan,
  type OutputPlan,
} from './ffmpeg-args.js';
export { probeBytes, probeFile, type MediaProbe } from './media-probe.js';
export { Encoder, type EncodedOutput, type EncoderLimits } from './encoder.js';
