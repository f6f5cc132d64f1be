import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseCount, parseFlags } from './args.js';
import { CliError } from './cli-error.js';
import { parseBind } from './relay-args.js';

export const DEFAULT_STUDIO_BIND = '127.0.0.1:8080';

export interface StudioServeConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Overrides the stored embedded relay port. */
  relayPort: number | undefined;
  /** Address the embedded relay binds; default: the --bind host. */
  relayHost: string;
  /** Host written into share links (default: the relay host, 127.0.0.1 for a wildcard). */
  shareHost: string | undefined;
  /** A fixed API token (default: a random one per start). */
  token: string | undefined;
}

export type StudioCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'serve'; config: StudioServeConfig };

export const STUDIO_USAGE = `Usage: moq-studio serve [options]

The studio without Electron: the same engine (sources, go live, embedded relay, stats) under
Node, its pages over HTTP and its API over a WebSocket at /api. Prints the address to open,
with the access token in it; API connections without that token are refused.

Options:
  --bind HOST:PORT     where the pages and API listen (default ${DEFAULT_STUDIO_BIND}; IPv6 in
                       brackets; 0.0.0.0 serves other machines — anyone with the token can control it)
  --data-dir DIR       where settings.json lives (default $XDG_CONFIG_HOME/moq-studio or
                       ~/.config/moq-studio)
  --relay-port N       port of the studio's own relay (UDP + TCP; 0 = any free port), overriding
                       the stored setting
  --relay-host HOST    address the studio's relay binds (default: the --bind host)
  --share-host HOST    host name viewers reach the relay by, for share links (default: the
                       relay host; 127.0.0.1 when that is 0.0.0.0 or ::)
  --token TOKEN        use this API token instead of a random one
  -h, --help           show this help
  -V, --version        show the version

The pages come from out/renderer (build them with 'npm run build').
ffmpeg comes from the ffmpeg-static package, else FFMPEG_PATH, else 'ffmpeg' on PATH.
Exit codes: 0 ok (SIGINT/SIGTERM), 2 bad flags, 3 cannot bind the address.`;

const FLAGS = {
  bind: { type: 'string' },
  'data-dir': { type: 'string' },
  'relay-port': { type: 'string' },
  'relay-host': { type: 'string' },
  'share-host': { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses `moq-studio serve …`; the subcommand is required so others can be added later. */
export function parseStudioArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): StudioCommand {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') return { kind: 'help' };
  if (command === '-V' || command === '--version') return { kind: 'version' };
  if (command !== 'serve') {
    const got = command === undefined ? 'none' : `'${command}'`;
    throw new CliError('USAGE', `the command must be 'serve', got ${got}`);
  }
  const flags = parseFlags(rest, FLAGS);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const { host, port } = parseBind(flags.bind ?? DEFAULT_STUDIO_BIND);
  const token = flags.token;
  if (token !== undefined && token.length < 8) {
    throw new CliError('USAGE', '--token must be at least 8 characters');
  }
  return {
    kind: 'serve',
    config: {
      host,
      port,
      dataDir: flags['data-dir'] ?? defaultDataDir(env),
      relayPort:
        flags['relay-port'] === undefined
          ? undefined
          : parseCount('relay-port', flags['relay-port'], 0, 65535),
      relayHost: flags['relay-host'] ?? host,
      shareHost: flags['share-host'],
      token,
    },
  };
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'moq-studio');
}
