import type { TransportChoice } from '../client/index.js';
import { parseChoice, parseFlags } from './args.js';
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

export interface ClockConfig {
  url: URL;
  /** Application protocols to offer (`--draft`); undefined = every draft we speak. */
  protocols: readonly string[] | undefined;
  mode: 'publish' | 'subscribe';
  namespace: string[];
  track: string;
  transport: TransportChoice;
}

export type ClockCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: ClockConfig };

export const CLOCK_USAGE = `Usage: moq-clock --url URL (--publish | --subscribe) [options]

Publishes or prints a clock track through a MoQ relay.

Options:
  --url URL             the relay, e.g. http://127.0.0.1:4443/ (http:// pins the certificate
                        hash the relay serves; https:// expects a trusted certificate)
  --publish             announce NAMESPACE and serve TRACK: one group per minute (group id =
                        minutes since the Unix epoch), one object per second whose payload is
                        the full local time in UTF-8, e.g. "2026-11-22 14:03:07"
  --subscribe           subscribe to NAMESPACE/TRACK and print one line per object; a group
                        whose first object ends in ':' (a "YYYY-MM-DD HH:MM:" base, as other
                        MoQ clocks send) is printed as base + seconds
  --namespace NAME      track namespace, '/' separates its parts (default clock)
  --track NAME          track name (default seconds)
${TOKEN_FILE_USAGE}
${DRAFT_USAGE}
  --transport KIND      auto (QUIC, falling back to WebSocket), quic or websocket (default auto)
  -h, --help            show this help
  -V, --version         show the version

On GOAWAY from the relay, a line goes to stderr and the program exits 0 (it does not reconnect).
SIGINT closes the session cleanly and exits 0.
Exit codes: 0 ok, 2 bad flags, 3 relay unreachable, 4 announce or subscription refused,
5 session ended with an error.`;

const FLAGS = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  draft: { type: 'string' },
  publish: { type: 'boolean' },
  subscribe: { type: 'boolean' },
  namespace: { type: 'string' },
  track: { type: 'string' },
  transport: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses moq-clock's flags; throws a USAGE CliError naming the flag at fault. */
export function parseClockArgs(argv: readonly string[]): ClockCommand {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  if (flags.publish === flags.subscribe) {
    throw new CliError('USAGE', 'give exactly one of --publish and --subscribe');
  }
  const namespace = parseNamespace('namespace', flags.namespace ?? 'clock');
  const track = flags.track ?? 'seconds';
  if (track === '') throw new CliError('USAGE', '--track must not be empty');
  return {
    kind: 'run',
    config: {
      url: withTokenFile(parseRelayUrl(flags.url), flags['token-file']),
      protocols: parseDraft(flags.draft),
      mode: flags.publish ? 'publish' : 'subscribe',
      namespace,
      track,
      transport: parseChoice('transport', flags.transport ?? 'auto', TRANSPORTS),
    },
  };
}
