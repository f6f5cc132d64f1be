import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createStudio, type Studio } from '../studio/index.js';
import { StudioHttpServer } from '../studio/studio-http-server.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import { onStopSignal } from './relay-session.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';
import { STUDIO_USAGE, parseStudioArgs, type StudioServeConfig } from './studio-args.js';

export const usage = STUDIO_USAGE;

const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** moq-studio: `serve` runs the headless studio until SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseStudioArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${STUDIO_USAGE}\n`);
    return ExitCode.OK;
  }
  if (command.kind === 'version') {
    process.stdout.write(`moq-studio ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  return serve(command.config);
}

async function serve(config: StudioServeConfig): Promise<number> {
  const studio = await createStudio({
    appVersion: packageVersion(),
    dataDir: config.dataDir,
    relayHost: config.relayHost,
    ...(config.shareHost !== undefined ? { shareHost: config.shareHost } : {}),
    ...(config.relayPort !== undefined ? { relayPort: config.relayPort } : {}),
  });
  studio.on('log', (entry) =>
    process.stderr.write(`moq-studio: ${entry.level}: ${entry.message}\n`),
  );
  studio.on('status', (s) => process.stderr.write(`moq-studio: ${s.state} (${s.reason})\n`));
  if (config.tokenSource === 'flag') {
    process.stderr.write(
      'moq-studio: warning: --token is visible to every user in the process list; ' +
        'use --token-file FILE or MOQ_STUDIO_TOKEN instead\n',
    );
  }
  const token = config.token ?? randomBytes(18).toString('base64url');
  let server: StudioHttpServer;
  try {
    server = await StudioHttpServer.listen({
      api: studio,
      host: config.host,
      port: config.port,
      token,
      rendererDir: RENDERER_DIR,
      allowedHosts: [config.host, ...(config.shareHost !== undefined ? [config.shareHost] : [])],
    });
  } catch (error) {
    await studio.close();
    throw new CliError(
      'BIND',
      `cannot listen on ${config.host}:${config.port}: ${describeError(error)}`,
    );
  }
  const shown = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const host = shown.includes(':') ? `[${shown}]` : shown;
  process.stdout.write(`moq-studio serve: open http://${host}:${server.port}/?token=${token}\n`);
  const signal = await onStopSignal();
  process.stderr.write(`moq-studio: ${signal}: stopping\n`);
  await shutdown(studio, server);
  return ExitCode.OK;
}

async function shutdown(studio: Studio, server: StudioHttpServer): Promise<void> {
  await studio.close(`moq-studio is exiting`);
  await server.close();
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-studio', STUDIO_USAGE, () => main(process.argv.slice(2)));
}
