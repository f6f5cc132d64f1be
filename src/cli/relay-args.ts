import { accessSync, constants, statSync } from 'node:fs';
import type { RelayLimits } from '../relay/index.js';
import { parseChoice, parseCount, parseFlags, parseSize } from './args.js';
import { CliError } from './cli-error.js';
import {
  CLUSTER_FLAGS,
  CLUSTER_USAGE,
  parseClusterArgs,
  parseWorkers,
  type ClusterConfig,
} from './cluster-args.js';

export const DEFAULT_BIND = '[::]:4443';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RelayConfig {
  host: string;
  port: number;
  /** Both or neither: certificate and key files (PEM); without them a certificate is made. */
  tls: { certPath: string; keyPath: string } | undefined;
  limits: Partial<RelayLimits>;
  logLevel: LogLevel;
  /** JWK / JWKS files tokens are verified with (`--auth-key`); none = an open relay. */
  authKeyPaths: string[];
  /** Prefixes anyone may publish and subscribe under without a token (`--public`). */
  publicPrefixes: string[];
  /** Set with --cluster-redis. */
  cluster: ClusterConfig | undefined;
  /** Relay processes on the port (1 = one process, as before clustering). */
  workers: number;
}

export type RelayCommand =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: RelayConfig };

export const RELAY_USAGE = `Usage: moq-relay [options]

A MoQ relay: WebTransport over QUIC (UDP) and HTTP + WebSocket/QMux (TCP) on one port.
Clients use http://HOST:PORT/ (the certificate's SHA-256 is served at /certificate.sha256).

Options:
  --bind HOST:PORT                 address to listen on (default ${DEFAULT_BIND}; IPv6 in brackets)
  --tls-cert FILE --tls-key FILE   PEM certificate and key (both or neither); without them an
                                   ECDSA P-256 certificate valid 10 days is made and rotated
  --max-sessions N                 sessions open at once (default 10000)
  --max-requests-per-session N     requests one session may have open (default 1000)
  --cache-groups N                 groups kept per track for late joiners (default 4)
  --cache-bytes SIZE               bytes kept per track, e.g. 64MiB (default 64MiB)
  --max-inflight-groups N          groups per subscription in flight before dropping (default 3)
  --max-object-bytes SIZE          largest object accepted, e.g. 16MiB (default 16MiB)
  --auth-key FILE                  verify tokens (?jwt=) with this JWK or JWK set file; repeat
                                   for rotation (the token's kid picks the key). Without it
                                   anyone may publish and subscribe anything
  --public PREFIX                  with --auth-key: anyone may publish and subscribe under
                                   PREFIX without a token (repeatable; '' = everything)
  --memory-budget MIB              one cap (MiB, or a SIZE like 2GiB) over partial objects and all
                                   track caches; over it the oldest cached groups go, then the
                                   session holding most is closed (default 512)
  --setup-timeout-ms N             transport accept to CLIENT_SETUP (default 10000)
  --object-stall-ms N              a data stream silent this long mid-object is cancelled (10000)
  --max-sessions-per-address N     sessions at once from one IP address (default 0 = no limit)
  --max-sessions-per-token N       sessions at once with one ?jwt= token (default 0 = no limit)
  --max-announces-per-session N    namespaces one session may announce (default 100; 0 = no limit)
  --log-level LEVEL                ${LOG_LEVELS.join(', ')} (default info)
${CLUSTER_USAGE}
  -h, --help                       show this help
  -V, --version                    show the version

Logs are JSON lines on stdout. SIGINT/SIGTERM: GOAWAY to every session, a short grace
period, then exit 0; a second signal exits at once.
Exit codes: 0 ok, 2 bad flags or certificate files, 3 cannot bind the address.`;

const FLAGS = {
  bind: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'max-sessions': { type: 'string' },
  'max-requests-per-session': { type: 'string' },
  'cache-groups': { type: 'string' },
  'cache-bytes': { type: 'string' },
  'max-inflight-groups': { type: 'string' },
  'max-object-bytes': { type: 'string' },
  'memory-budget': { type: 'string' },
  'setup-timeout-ms': { type: 'string' },
  'object-stall-ms': { type: 'string' },
  'max-sessions-per-address': { type: 'string' },
  'max-sessions-per-token': { type: 'string' },
  'max-announces-per-session': { type: 'string' },
  'log-level': { type: 'string' },
  'auth-key': { type: 'string', multiple: true },
  public: { type: 'string', multiple: true },
  ...CLUSTER_FLAGS,
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parses moq-relay's flags; throws a USAGE CliError naming the flag at fault. */
export function parseRelayArgs(argv: readonly string[]): RelayCommand {
  const flags = parseFlags(argv, FLAGS);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const { host, port } = parseBind(flags.bind ?? DEFAULT_BIND);
  return {
    kind: 'run',
    config: {
      host,
      port,
      tls: parseTls(flags['tls-cert'], flags['tls-key']),
      limits: parseLimits(flags),
      logLevel: parseChoice('log-level', flags['log-level'] ?? 'info', LOG_LEVELS),
      authKeyPaths: flags['auth-key'] ?? [],
      publicPrefixes: parsePublic(flags['auth-key'], flags.public),
      cluster: parseClusterArgs(flags),
      workers: parseWorkers(flags.workers, flags['cluster-redis'] !== undefined),
    },
  };
}

/** `HOST:PORT`, `[IPV6]:PORT`; port 0 picks a free one. */
export function parseBind(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(text.trim());
  if (!match) {
    const hint = (text.match(/:/g) ?? []).length > 1 ? ' (put IPv6 addresses in brackets)' : '';
    throw new CliError('USAGE', `--bind must be HOST:PORT or [IPV6]:PORT, got '${text}'${hint}`);
  }
  const host = (match[1] ?? match[2]) as string;
  const port = parseCount('bind', match[3] as string, 0, 65535);
  return { host, port };
}

function parsePublic(keys: string[] | undefined, prefixes: string[] | undefined): string[] {
  if (prefixes === undefined) return [];
  if (keys === undefined) {
    throw new CliError('USAGE', '--public needs --auth-key (without keys everything is public)');
  }
  return prefixes;
}

function parseTls(certPath: string | undefined, keyPath: string | undefined): RelayConfig['tls'] {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    const missing = certPath === undefined ? '--tls-cert' : '--tls-key';
    throw new CliError('USAGE', `--tls-cert and --tls-key go together: ${missing} is missing`);
  }
  return { certPath, keyPath };
}

type LimitFlags = Partial<Record<keyof typeof FLAGS, string | boolean | string[]>>;

function parseLimits(flags: LimitFlags): Partial<RelayLimits> {
  const limits: Partial<RelayLimits> = {};
  const text = (flag: keyof typeof FLAGS): string | undefined => {
    const value = flags[flag];
    return typeof value === 'string' ? value : undefined;
  };
  const count = (flag: keyof typeof FLAGS, key: keyof RelayLimits): void => {
    const value = text(flag);
    if (value !== undefined) limits[key] = parseCount(flag, value);
  };
  const size = (flag: keyof typeof FLAGS, key: keyof RelayLimits): void => {
    const value = text(flag);
    if (value !== undefined) limits[key] = parseSize(flag, value);
  };
  count('max-sessions', 'maxSessions');
  count('max-requests-per-session', 'maxRequestsPerSession');
  count('cache-groups', 'cacheGroups');
  size('cache-bytes', 'cacheBytes');
  count('max-inflight-groups', 'maxInflightGroups');
  size('max-object-bytes', 'maxObjectBytes');
  const budget = text('memory-budget');
  if (budget !== undefined) {
    limits.memoryBudgetBytes = /^\s*\d+\s*$/.test(budget)
      ? parseCount('memory-budget', budget) * 2 ** 20
      : parseSize('memory-budget', budget);
  }
  count('setup-timeout-ms', 'setupTimeoutMs');
  count('object-stall-ms', 'objectStallMs');
  const quota = (flag: keyof typeof FLAGS, key: keyof RelayLimits): void => {
    const value = text(flag);
    if (value !== undefined) limits[key] = parseCount(flag, value, 0);
  };
  quota('max-sessions-per-address', 'maxSessionsPerAddress');
  quota('max-sessions-per-token', 'maxSessionsPerToken');
  quota('max-announces-per-session', 'maxAnnouncesPerSession');
  return limits;
}

/**
 * Checks the certificate files before anything binds, so a typo is one clear line (and exit 2)
 * rather than a stack from deep in the TLS setup.
 */
export function checkTlsFiles(tls: RelayConfig['tls']): void {
  if (!tls) return;
  checkReadable('--tls-cert', tls.certPath);
  checkReadable('--tls-key', tls.keyPath);
}

function checkReadable(flag: string, path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code
            ? code
            : 'not a file';
    throw new CliError('CONFIG', `${flag} ${path}: cannot read it (${why})`);
  }
}
