import { availableParallelism } from 'node:os';
import { EncoderError } from './encoder-error.js';
import {
  AUDIO_BITRATE_BPS,
  AUDIO_SAMPLE_RATE_HZ,
  DEFAULT_GOP_MS,
  defaultPreset,
  type AudioCodec,
  type EncoderOptions,
  type EncoderSource,
} from './encoder-options.js';
import {
  SOFTWARE_H264_ENCODER,
  h264DeviceArgs,
  h264EncodeArgs,
  h264FilterTail,
  x264ThreadsFor,
  type H264Encoder,
} from './h264-encoders.js';
import type { MediaProbe } from './media-probe.js';
import { DEFAULT_LADDER, fitLadder, type Rendition } from './rendition.js';

/** One output of the ffmpeg command, written to its own pipe. */
export interface OutputPlan {
  name: string;
  role: 'video' | 'audio';
  rendition?: Rendition;
  bitrateBps: number;
  /** The child's file descriptor this output is written to (`pipe:N`). */
  fd: number;
  /**
   * `flv`: the encoder's H.264 as FLV, which the encoder process packages as CMAF itself (one
   * frame sooner than ffmpeg's MP4 muxer, `FlvVideoPackager`). Otherwise ffmpeg writes CMAF.
   */
  container?: 'flv';
}

export interface FfmpegPlan {
  args: string[];
  outputs: OutputPlan[];
  /** The child's file descriptor `-progress` writes to. */
  progressFd: number;
  /** Whether ffmpeg reads its input from stdin (so stdin cannot carry the `q` command). */
  stdinIsInput: boolean;
}

const FIRST_OUTPUT_FD = 3;
/** Video codecs CMAF (fMP4) can carry as they are; others (VP8) are encoded once, at source size. */
const COPYABLE_VIDEO: ReadonlySet<string> = new Set(['h264', 'hevc', 'av1', 'vp9']);
const TEST_PATTERN = { width: 1920, height: 1080, framerate: 30 };
const TONE_HZ = 440;

/**
 * One fragment per frame, each with a wall-clock `prft`, written as soon as it is made.
 * `frag_discont` makes the muxer keep `-output_ts_offset` in each fragment's decode time instead
 * of starting at 0, so an encoder restarted mid-broadcast continues the media timeline.
 */
export function cmafMuxer(extraFlags = ''): string[] {
  return [
    '-f',
    'mp4',
    '-movflags',
    `cmaf+empty_moov+default_base_moof+frag_every_frame+separate_moof+skip_trailer${extraFlags}`,
    '-write_prft',
    'wallclock',
    '-flush_packets',
    '1',
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
  ];
}

/**
 * Each frame as one FLV tag, written the moment it is coded. No onMetaData (its duration and
 * size are unknown live) and no end-of-sequence tag; `-output_ts_offset` carries into the tags'
 * times, so a restarted encoder continues the timeline here too.
 */
export function flvMuxer(): string[] {
  return [
    ...['-f', 'flv', '-flvflags', 'no_metadata+no_duration_filesize+no_sequence_end'],
    ...['-flush_packets', '1', '-muxdelay', '0', '-muxpreload', '0'],
  ];
}

/**
 * Describes what the source holds without running anything, for sources that need no probe
 * (the test pattern).
 */
export function testPatternProbe(
  source: Extract<EncoderSource, { kind: 'test-pattern' }>,
): MediaProbe {
  return {
    video: {
      codec: 'rawvideo',
      width: source.width ?? TEST_PATTERN.width,
      height: source.height ?? TEST_PATTERN.height,
      framerate: source.framerate ?? TEST_PATTERN.framerate,
    },
    audio: { codec: 'pcm', sampleRate: AUDIO_SAMPLE_RATE_HZ, channels: 1 },
  };
}

/**
 * Builds the whole ffmpeg command for a source whose streams are known: one ffmpeg, one pipe per
 * rendition, keyframes forced on the same timestamps in every rendition.
 */
export function buildFfmpegArgs(options: EncoderOptions, probe: MediaProbe): FfmpegPlan {
  if (!probe.video) throw new EncoderError('NO_VIDEO', 'the source has no video stream');
  const gopMs = options.gopMs ?? DEFAULT_GOP_MS;
  const preset = options.preset ?? defaultPreset(availableParallelism());
  if (!(gopMs >= 100 && gopMs <= 20_000)) {
    throw new EncoderError('BAD_OPTIONS', `gopMs must be 100–20000, not ${gopMs}`);
  }
  const audioCodec: AudioCodec = options.audio ?? 'aac';
  const videoEncoder = options.videoEncoder ?? SOFTWARE_H264_ENCODER;
  const inputs = inputArgs(options);
  const progressArgs = ['-progress', '', '-stats_period', '0.5'];
  const offsetMs = options.timestampOffsetMs ?? 0;
  if (!(offsetMs >= 0)) {
    throw new EncoderError('BAD_OPTIONS', `timestampOffsetMs must be ≥ 0, not ${offsetMs}`);
  }
  const continued = offsetMs > 0 ? '+frag_discont' : '';
  const offsetArgs = offsetMs > 0 ? ['-output_ts_offset', (offsetMs / 1000).toFixed(3)] : [];
  const args = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'warning',
    ...progressArgs,
    ...h264DeviceArgs(videoEncoder),
    ...inputs.args,
  ];
  const outputs: OutputPlan[] = [];
  const nextFd = (): number => FIRST_OUTPUT_FD + outputs.length;

  const copy = options.source.kind === 'pipe' && options.source.copy !== false;
  if (copy && COPYABLE_VIDEO.has(probe.video.codec)) {
    const fd = nextFd();
    outputs.push({ name: 'source', role: 'video', bitrateBps: 0, fd });
    // A copied stream may start at a decode time other than 0 (B-frames, a WebM clock).
    args.push('-map', '0:v:0', '-c', 'copy', ...cmafMuxer('+delay_moov'), `pipe:${fd}`);
  } else {
    const ladder = copy
      ? [sourceRendition(options.ladder ?? DEFAULT_LADDER, probe.video)]
      : fitLadder(
          options.ladder ?? DEFAULT_LADDER,
          probe.video.width,
          probe.video.height,
          probe.video.framerate,
        );
    if (ladder.length === 0) throw new EncoderError('BAD_LADDER', 'the ladder is empty');
    args.push('-filter_complex', videoFilterGraph(inputs.videoLabel, ladder, videoEncoder));
    const x264Threads = x264ThreadsFor(ladder);
    ladder.forEach((rendition, i) => {
      const fd = nextFd();
      outputs.push({
        name: rendition.name,
        role: 'video',
        rendition,
        bitrateBps: rendition.bitrateBps,
        fd,
        container: 'flv',
      });
      const encode = h264EncodeArgs(videoEncoder, rendition, gopMs, preset, x264Threads);
      args.push('-map', `[out${i}]`, ...encode, ...offsetArgs, ...flvMuxer());
      args.push(`pipe:${fd}`);
    });
  }

  if (probe.audio && audioCodec !== 'none') {
    const fd = nextFd();
    const copyAudio = copy && canCopyAudio(probe.audio.codec, audioCodec);
    outputs.push({
      name: 'audio',
      role: 'audio',
      bitrateBps: copyAudio ? 0 : AUDIO_BITRATE_BPS,
      fd,
    });
    args.push('-map', `${inputs.audioInput}:a:0`);
    args.push(...(copyAudio ? ['-c', 'copy'] : audioArgs(audioCodec)));
    // Opus starts with a negative decode time (pre-skip), which an early moov cannot describe;
    // so may a copied stream.
    const delayMoov = audioCodec === 'opus' || copyAudio;
    args.push(...offsetArgs, ...cmafMuxer(`${delayMoov ? '+delay_moov' : ''}${continued}`));
    args.push(`pipe:${fd}`);
  }

  const progressFd = nextFd();
  args[args.indexOf('-progress') + 1] = `pipe:${progressFd}`;
  return { args, outputs, progressFd, stdinIsInput: options.source.kind === 'pipe' };
}

/**
 * The one rendition of a pipe source whose codec cannot be copied: the source's own size and
 * frame rate, at the bitrate the ladder gives its tallest fitting rung.
 */
function sourceRendition(
  ladder: readonly Rendition[],
  video: NonNullable<MediaProbe['video']>,
): Rendition {
  const fitted = fitLadder(ladder, video.width, video.height, video.framerate);
  const bitrateBps = Math.max(0, ...fitted.map((r) => r.bitrateBps)) || 1_000_000;
  return {
    name: 'source',
    width: video.width - (video.width % 2),
    height: video.height - (video.height % 2),
    framerate: video.framerate ?? 30,
    bitrateBps,
  };
}

interface InputArgs {
  args: string[];
  videoLabel: string;
  audioInput: number;
}

function inputArgs(options: EncoderOptions): InputArgs {
  const { source } = options;
  const realtime = options.realtime ?? true;
  const pace = realtime ? ['-re'] : [];
  const duration =
    options.durationMs !== undefined ? ['-t', (options.durationMs / 1000).toFixed(3)] : [];
  if (options.durationMs !== undefined && !(options.durationMs > 0)) {
    throw new EncoderError('BAD_OPTIONS', `durationMs must be positive, not ${options.durationMs}`);
  }
  switch (source.kind) {
    case 'test-pattern': {
      const { video } = testPatternProbe(source);
      const picture = `testsrc2=size=${video?.width}x${video?.height}:rate=${video?.framerate}`;
      const tone = `sine=frequency=${TONE_HZ}:sample_rate=${AUDIO_SAMPLE_RATE_HZ}`;
      return {
        args: [
          ...pace,
          '-f',
          'lavfi',
          ...duration,
          '-i',
          picture,
          ...pace,
          '-f',
          'lavfi',
          ...duration,
          '-i',
          tone,
        ],
        videoLabel: '0:v:0',
        audioInput: 1,
      };
    }
    case 'file': {
      const loop = source.loop ? ['-stream_loop', '-1'] : [];
      // A restarted encoder picks the file up where the previous one left it.
      const seek = options.seekMs ? ['-ss', (options.seekMs / 1000).toFixed(3)] : [];
      return {
        args: [...pace, ...loop, ...seek, ...duration, '-i', source.path],
        videoLabel: '0:v:0',
        audioInput: 0,
      };
    }
    case 'pipe': {
      // The stream's header was probed already; ffmpeg need not wait long to guess at it again.
      // Not `-fflags +nobuffer`: it drops the packets read while probing (a second of video).
      const quickStart = ['-probesize', '65536', '-analyzeduration', '200000'];
      return {
        args: [...quickStart, ...duration, '-i', 'pipe:0'],
        videoLabel: '0:v:0',
        audioInput: 0,
      };
    }
  }
}

/**
 * Converts to 4:2:0 once and splits it per rendition (converting per rendition costs a third
 * of the filter time at 1080p); the `fps` filter makes each rendition constant frame rate,
 * which also fills any gap a looping input leaves at its restart. Bilinear scaling is enough
 * for downscaling a live ladder and a fraction of bicubic's cost.
 */
export function videoFilterGraph(
  input: string,
  ladder: readonly Rendition[],
  encoder: H264Encoder,
): string {
  const labels = ladder.map((_, i) => `[v${i}]`).join('');
  const tail = h264FilterTail(encoder);
  const chains = ladder.map(
    (r, i) =>
      `[v${i}]fps=${r.framerate},scale=${r.width}:${r.height}:flags=bilinear,setsar=1` +
      `${tail ? `,${tail}` : ''}[out${i}]`,
  );
  return [`[${input}]format=yuv420p,split=${ladder.length}${labels}`, ...chains].join(';');
}

function audioArgs(codec: Exclude<AudioCodec, 'none'>): string[] {
  const encoder = codec === 'opus' ? 'libopus' : 'aac';
  return [
    // Fills gaps with silence (a looping file's restart) so audio time never stalls or jumps.
    '-af',
    'aresample=async=1:first_pts=0',
    '-c:a',
    encoder,
    '-b:a',
    String(AUDIO_BITRATE_BPS),
    '-ar',
    String(AUDIO_SAMPLE_RATE_HZ),
    '-ac',
    '2',
  ];
}

function canCopyAudio(sourceCodec: string, wanted: AudioCodec): boolean {
  return (
    (sourceCodec === 'aac' && wanted === 'aac') || (sourceCodec === 'opus' && wanted === 'opus')
  );
}
