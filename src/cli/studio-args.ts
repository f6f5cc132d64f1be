import { readFileSync } from 'node:fs';
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
  /** Where the token came from: `flag` shows it in the process list, so the CLI warns. */
  tokenSource: 'flag' | 'file' | 'env' | undefined;
}

/** The environment variable that may carry the API token (kept out of the process list). */
export const STUDIO_TOKEN_ENV = 'MOQ_STUDIO_TOKEN';

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
  --token-file FILE    read the API token from FILE (its first line) instead of a random one
  --token TOKEN        the same, but visible to every user in the process list: prefer
                       --token-file or the MOQ_STUDIO_TOKEN environment variable
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
  'token-file': { type: 'string' },
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
  const { token, tokenSource } = readToken(flags.token, flags['token-file'], env);
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
      tokenSource,
    },
  };
}

/** --token, --token-file or $MOQ_STUDIO_TOKEN (one of them), checked for length. */
function readToken(
  flag: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): Pick<StudioServeConfig, 'token' | 'tokenSource'> {
  if (flag !== undefined && file !== undefined) {
    throw new CliError('USAGE', 'give --token or --token-file, not both');
  }
  const fromEnv = env[STUDIO_TOKEN_ENV] || undefined;
  const found =
    flag !== undefined
      ? { token: flag, tokenSource: 'flag' as const, what: '--token' }
      : file !== undefined
        ? { token: readTokenFile(file), tokenSource: 'file' as const, what: '--token-file' }
        : fromEnv !== undefined
          ? { token: fromEnv, tokenSource: 'env' as const, what: STUDIO_TOKEN_ENV }
          : undefined;
  if (!found) return { token: undefined, tokenSource: undefined };
  if (found.token.length < 8) {
    throw new CliError('USAGE', `${found.what}: the token must be at least 8 characters`);
  }
  return { token: found.token, tokenSource: found.tokenSource };
}

function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError('USAGE', `--token-file: cannot read ${path} (${reason})`);
  }
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'moq-studio');
}
