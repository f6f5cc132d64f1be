import { pino, type Logger } from 'pino';
import { DEFAULT_HOSTNAMES } from '../transport/cert/index.js';
import { Relay, type Authorizer } from '../relay/index.js';
import { RedisRegistry } from '../relay/cluster/index.js';
import { loadAuth } from './relay-auth.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import { RELAY_USAGE, checkTlsFiles, parseRelayArgs, type RelayConfig } from './relay-args.js';
import { RelayWorkers, isWorker, runWorker } from './relay-workers.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';

export const usage = RELAY_USAGE;

/** moq-relay: parses flags, runs the relay until SIGINT/SIGTERM, returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseRelayArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${RELAY_USAGE}\n`);
    return ExitCode.OK;
  }
  if (command.kind === 'version') {
    process.stdout.write(`moq-relay ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const { config } = command;
  checkTlsFiles(config.tls);
  const log = pino({ name: 'moq-relay', level: config.logLevel });
  if (isWorker()) {
    await runWorker(config, log);
    return ExitCode.OK;
  }
  const relay =
    config.workers > 1
      ? await startWorkers(config, log)
      : await startRelay(config, log, await loadAuth(config, log));
  log.info(
    {
      url: publicUrl(config, relay.port),
      bind: formatHostPort(config.host, relay.port),
      certificateSha256: relay.certificateSha256,
      certificate: config.tls ? 'files' : 'generated',
      limits: relay instanceof Relay ? relay.limits : config.limits,
      workers: config.workers,
      cluster: config.cluster?.node,
      auth:
        config.authKeyPaths.length > 0
          ? { keys: config.authKeyPaths, public: config.publicPrefixes }
          : 'open',
    },
    'relay listening',
  );
  await shutdownSignal(log);
  await relay.close();
  log.info({}, 'relay closed');
  return ExitCode.OK;
}

async function startRelay(config: RelayConfig, log: Logger, auth: Authorizer): Promise<Relay> {
  const registry = config.cluster?.redis
    ? await RedisRegistry.connect({ url: config.cluster.redis, logger: log }).catch(
        (error: unknown) => {
          throw new CliError('CONFIG', `--cluster-redis: ${describeError(error)}`);
        },
      )
    : undefined;
  try {
    return await Relay.start({
      auth,
      host: config.host,
      port: config.port,
      certificates: config.tls ?? { hostnames: extraHostnames(config.host) },
      limits: config.limits,
      logger: log,
      cluster: registry && { ...config.cluster, registry },
    });
  } catch (error) {
    await registry?.close();
    throw startError(config, error);
  }
}

/** `--workers N`: the primary; the relays run in the workers. */
async function startWorkers(config: RelayConfig, log: Logger): Promise<RelayWorkers> {
  try {
    return await RelayWorkers.start(
      config,
      log,
      config.tls ?? { hostnames: extraHostnames(config.host) },
    );
  } catch (error) {
    throw startError(config, error);
  }
}

/** Binding and certificate failures become one clear line; the rest stays a bug. */
function startError(config: RelayConfig, error: unknown): Error {
  const where = formatHostPort(config.host, config.port);
  const text = describeError(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'CertificateError') return new CliError('CONFIG', text, { cause: error });
  const errno = findErrno(error);
  const ipv6Missing = errno === 'EADDRNOTAVAIL' && (config.host === '::' || config.host === '::1');
  if (errno === 'EAFNOSUPPORT' || ipv6Missing) {
    return new CliError(
      'BIND',
      `cannot bind ${where}: IPv6 is not available on this machine (${errno}); ` +
        `try --bind 0.0.0.0:${config.port}`,
      { cause: error },
    );
  }
  if (errno === 'EADDRINUSE') {
    return new CliError('BIND', `cannot bind ${where}: the port is in use (UDP or TCP)`, {
      cause: error,
    });
  }
  if (errno !== undefined || /bind|listen|address/i.test(text)) {
    return new CliError('BIND', `cannot bind ${where}: ${text}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(text);
}

/** The errno code (EADDRINUSE, …) anywhere in an error's cause chain or message. */
function findErrno(error: unknown): string | undefined {
  for (let at: unknown = error, depth = 0; at && depth < 5; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    const message = at instanceof Error ? at.message : '';
    const inMessage = /\b(EADDRINUSE|EADDRNOTAVAIL|EAFNOSUPPORT|EACCES)\b/.exec(message);
    if (inMessage) return inMessage[1];
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A generated certificate also names the bound host, when that is a specific one. */
function extraHostnames(host: string): string[] {
  if (isWildcard(host) || DEFAULT_HOSTNAMES.includes(host)) return [];
  return [host];
}

function isWildcard(host: string): boolean {
  return host === '::' || host === '0.0.0.0';
}

/**
 * The URL to give clients. A wildcard bind is reached on loopback from this machine; an IP
 * rather than `localhost`, since QUIC connects need an address (names are not resolved).
 */
function publicUrl(config: RelayConfig, port: number): string {
  const loopback: Record<string, string> = { '::': '::1', '0.0.0.0': '127.0.0.1' };
  const host = loopback[config.host] ?? config.host;
  // Files mean a real certificate: TCP then serves HTTPS, and clients need not pin a hash.
  const scheme = config.tls ? 'https' : 'http';
  return `${scheme}://${formatHostPort(host, port)}/`;
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Resolves on the first SIGINT/SIGTERM (the caller then shuts down gracefully); a second one
 * exits at once, for when the grace period is not wanted.
 */
function shutdownSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(ExitCode.INTERNAL);
      }
      received = signal;
      log.info({ signal }, 'shutting down: GOAWAY sent, closing after a grace period');
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-relay', RELAY_USAGE, () => main(process.argv.slice(2)));
}
