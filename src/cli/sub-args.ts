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

export interface SubConfig {
  url: URL;
  /** Application protocols to offer (`--draft`); undefined = every draft we speak. */
  protocols: readonly string[] | undefined;
  namespace: string[];
  /** A rendition name, `all` (every video rendition), or undefined = the highest. */
  rendition: string | undefined;
  audio: boolean;
  /** Print the catalog as JSON instead of media. */
  catalog: boolean;
  durationMs: number | undefined;
  /** Give up when no media has arrived after this long. */
  waitMs: number;
  /** Keep the publisher's timestamps instead of starting the file at zero. */
  keepTimestamps: boolean;
  transport: TransportChoice;
}

export type SubCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: SubConfig };

export const SUB_USAGE = `Usage: moq-sub --url URL --name NAME [options] > out.mp4

Subscribes to a broadcast on a MoQ relay (draft-14) and writes a playable fragmented MP4 to
standard output: one init segment, then every frame as it arrives, e.g.
  moq-sub --url http://127.0.0.1:4443/ --name demo | ffplay -

Options:
  --url URL             the relay, e.g. http://127.0.0.1:4443/
  --name NAME           the broadcast name; '/' separates namespace parts
  --rendition NAME      the video rendition (e.g. 720p; default the highest), or 'all' for
                        every rendition as tracks of one file
  --no-audio            leave the audio track out
  --catalog             print the broadcast's catalog (MSF/CMSF JSON) and exit
  --duration SECONDS    stop after this long (default: until the broadcast ends or Ctrl-C)
  --wait SECONDS        fail when no media has arrived after this long (default 10)
  --keep-timestamps     keep the publisher's timestamps (default: the file starts at 0)
${TOKEN_FILE_USAGE}
${DRAFT_USAGE}
  --transport KIND      auto (QUIC, falling back to WebSocket), quic or websocket (default auto)
  -h, --help            show this help
  -V, --version         show the version

Exit codes: 0 ok (the broadcast ended cleanly too), 2 bad flags, 3 relay unreachable,
4 no such broadcast or rendition, 5 the session or broadcast ended with an error, 6 no media
arrived (within --wait, or before the broadcast ended).`;

const FLAGS = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  draft: { type: 'string' },
  name: { type: 'string' },
  rendition: { type: 'string' },
  'no-audio': { type: 'boolean' },
  catalog: { type: 'boolean' },
  duration: { type: 'string' },
  wait: { type: 'string' },
  'keep-timestamps': { type: 'boolean' },
  transport: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses moq-sub's flags. */
export function parseSubArgs(argv: readonly string[]): SubCommand {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  if (flags.name === undefined) throw new CliError('USAGE', '--name is required');
  if (flags.rendition === '') throw new CliError('USAGE', '--rendition must not be empty');
  const duration = flags.duration;
  return {
    kind: 'run',
    config: {
      url: withTokenFile(parseRelayUrl(flags.url), flags['token-file']),
      protocols: parseDraft(flags.draft),
      namespace: parseNamespace('name', flags.name),
      rendition: flags.rendition,
      audio: flags['no-audio'] !== true,
      catalog: flags.catalog === true,
      durationMs: duration === undefined ? undefined : parseCount('duration', duration) * 1000,
      waitMs: parseCount('wait', flags.wait ?? '10') * 1000,
      keepTimestamps: flags['keep-timestamps'] === true,
      transport: parseChoice('transport', flags.transport ?? 'auto', TRANSPORTS),
    },
  };
}
