import {
  H264_ENCODERS,
  X264_PRESETS,
  type H264Encoder,
  type X264Preset,
} from '../media/encoder-node/index.js';
import type { TransportChoice } from '../client/index.js';
import { parseChoice, parseCount, parseFlags } from './args.js';
import { CliError } from './cli-error.js';
import {
  parseNamespace,
  parseRelayUrl,
  DRAFT_USAGE,
  TOKEN_FILE_USAGE,
  parseDraft,
  TRANSPORTS,
  withTokenFile,
} from './common-args.js';

/** Where moq-pub's media comes from. */
export type PubSource =
  | { kind: 'test-pattern' }
  | { kind: 'file'; path: string; loop: boolean }
  | { kind: 'stdin'; transcode: boolean };

export type AudioChoice = 'aac' | 'opus' | 'none';

export interface PubConfig {
  url: URL;
  /** Application protocols to offer (`--draft`); undefined = every draft we speak. */
  protocols: readonly string[] | undefined;
  namespace: string[];
  source: PubSource;
  /** The ladder as typed (`1080p,720p,360p`); undefined or `auto` = measured. */
  ladder: string | undefined;
  /** The H.264 encoder; `auto` = the first hardware encoder that works, else libx264. */
  encoder: H264Encoder | 'auto';
  audio: AudioChoice;
  gopMs: number;
  /** undefined = chosen by core count. */
  preset: X264Preset | undefined;
  durationMs: number | undefined;
  transport: TransportChoice;
}

export type PubCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: PubConfig };

export const PUB_USAGE = `Usage: moq-pub --url URL --name NAME (--test-pattern | --input FILE [--loop] | -) [options]

Encodes a source into a ladder of renditions with ffmpeg and publishes it to a MoQ relay
(draft-14) as CMAF over MoQ: an MSF/CMSF catalog track, one track per rendition, one group per
GOP, one object per frame. Viewers open http://RELAY/watch/NAME.

Source (exactly one):
  --test-pattern        a moving test picture with a 440 Hz tone, in real time
  --input FILE          a media file, paced in real time; with --loop it restarts at its end
                        with continuous timestamps
  -                     fragmented MP4 on standard input, e.g.
                        ffmpeg ... -f mp4 -movflags cmaf+separate_moof+empty_moov+default_base_moof - |
                        moq-pub --url URL --name NAME -
                        (passed through as is; --transcode runs it through the ladder instead)

Options:
  --url URL             the relay, e.g. http://127.0.0.1:4443/
  --name NAME           the broadcast name; '/' separates namespace parts
  --ladder LIST         renditions, e.g. 720p,360p; never upscales. Default auto: the
                        richest of 1080p,720p,360p / 720p,360p / 360p this machine
                        encodes at 1.1x real time, measured in a few seconds at start
  --encoder NAME        H.264 encoder: auto (default: the first of h264_nvenc, h264_qsv,
                        h264_vaapi, h264_videotoolbox, h264_amf that encodes a test
                        picture, else libx264) or one of those names
  --audio CODEC         aac (default), opus or none
  --gop-ms MS           keyframe interval = group duration, in ms (default 2000)
  --preset NAME         x264 preset: ultrafast, superfast, veryfast, faster, fast, medium
                        (default veryfast; superfast on machines with two cores or fewer)
  --duration SECONDS    stop after this long (default: until the source ends or Ctrl-C)
  --transcode           with '-': encode standard input through the ladder
${TOKEN_FILE_USAGE}
${DRAFT_USAGE}
  --transport KIND      auto (QUIC, falling back to WebSocket), quic or websocket (default auto)
  -h, --help            show this help
  -V, --version         show the version

Prints one status line a second on stderr (per-rendition kbps, fps, encoder speed, drops).
ffmpeg comes from the ffmpeg-static package, else FFMPEG_PATH, else 'ffmpeg' on PATH.
Exit codes: 0 ok, 2 bad flags, 3 relay unreachable, 4 name taken or refused, 5 session error,
6 source or encoder failure.`;

const FLAGS = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  draft: { type: 'string' },
  name: { type: 'string' },
  'test-pattern': { type: 'boolean' },
  input: { type: 'string' },
  loop: { type: 'boolean' },
  transcode: { type: 'boolean' },
  ladder: { type: 'string' },
  encoder: { type: 'string' },
  audio: { type: 'string' },
  'gop-ms': { type: 'string' },
  preset: { type: 'string' },
  duration: { type: 'string' },
  transport: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const AUDIO: readonly AudioChoice[] = ['aac', 'opus', 'none'];
const ENCODERS: readonly (H264Encoder | 'auto')[] = ['auto', ...H264_ENCODERS];

/** Parses moq-pub's flags; a lone `-` means standard input. */
export function parsePubArgs(argv: readonly string[]): PubCommand {
  const stdin = argv.includes('-');
  const flags = parseFlags(
    argv.filter((arg) => arg !== '-'),
    FLAGS,
  );
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  if (flags.name === undefined) {
    throw new CliError('USAGE', '--name is required (the broadcast name viewers open)');
  }
  const duration = flags.duration;
  return {
    kind: 'run',
    config: {
      url: withTokenFile(parseRelayUrl(flags.url), flags['token-file']),
      protocols: parseDraft(flags.draft),
      namespace: parseNamespace('name', flags.name),
      source: parseSource(stdin, flags),
      ladder: flags.ladder,
      encoder: parseChoice('encoder', flags.encoder ?? 'auto', ENCODERS),
      audio: parseChoice('audio', flags.audio ?? 'aac', AUDIO),
      gopMs: parseCount('gop-ms', flags['gop-ms'] ?? '2000', 100, 60_000),
      preset:
        flags.preset === undefined ? undefined : parseChoice('preset', flags.preset, X264_PRESETS),
      durationMs: duration === undefined ? undefined : parseCount('duration', duration) * 1000,
      transport: parseChoice('transport', flags.transport ?? 'auto', TRANSPORTS),
    },
  };
}

function parseSource(
  stdin: boolean,
  flags: { 'test-pattern'?: boolean; input?: string; loop?: boolean; transcode?: boolean },
): PubSource {
  const given = [stdin, flags['test-pattern'] === true, flags.input !== undefined];
  if (given.filter(Boolean).length !== 1) {
    throw new CliError('USAGE', 'give exactly one source: --test-pattern, --input FILE or -');
  }
  if (flags.loop && flags.input === undefined) {
    throw new CliError('USAGE', '--loop goes with --input FILE');
  }
  if (flags.transcode && !stdin) throw new CliError('USAGE', "--transcode goes with '-'");
  if (stdin) return { kind: 'stdin', transcode: flags.transcode === true };
  if (flags.input !== undefined) {
    if (flags.input === '') throw new CliError('USAGE', '--input must not be empty');
    return { kind: 'file', path: flags.input, loop: flags.loop === true };
  }
  return { kind: 'test-pattern' };
}
