import {
  BroadcastProducer,
  MoqError,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  type MoqSession,
} from '../moq/index.js';
import {
  Encoder,
  EncoderError,
  chooseH264Encoder,
  describeH264Choice,
  describeLadderChoice,
  findFfmpeg,
  measureLadder,
  parseLadder,
  type EncoderSource,
  type H264Encoder,
  type Rendition,
} from '../media/encoder-node/index.js';
import { MediaPackager, encodedTrackMeta, untilProducerEnds } from '../media/packager/index.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import { PUB_USAGE, parsePubArgs, type PubConfig } from './pub-args.js';
import { PubStatus } from './pub-status.js';
import {
  closeRelaySession,
  moqErrorText,
  onStopSignal,
  openRelaySession,
} from './relay-session.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';

export const usage = PUB_USAGE;

/** moq-pub: encodes a source and publishes it until it ends; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parsePubArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${PUB_USAGE}\n`);
    return ExitCode.OK;
  }
  if (command.kind === 'version') {
    process.stdout.write(`moq-pub ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const { config } = command;
  const typed = typedLadder(config);
  const stopped = new AbortController();
  void onStopSignal().then(() => stopped.abort(new CliError('MEDIA', 'interrupted')));
  // The source is checked (file, video stream, ffmpeg) before the relay is bothered.
  const ffmpegPath = await findFfmpeg({ signal: stopped.signal }).catch((error: unknown) => {
    throw mediaError(error);
  });
  const videoEncoder = await chooseVideoEncoder(ffmpegPath, config, stopped.signal);
  const ladder = typed ?? (await measuredLadder(ffmpegPath, videoEncoder, config, stopped.signal));
  const encoder = await startEncoder(config, { ffmpegPath, videoEncoder, ladder });
  let opened;
  try {
    opened = await openRelaySession(config.url, config.transport, config.protocols);
  } catch (error) {
    void encoder.close('the relay is unreachable');
    throw error;
  }
  try {
    return await publish(opened.session, encoder, config);
  } finally {
    void encoder.close('moq-pub is exiting');
    await closeRelaySession(opened);
  }
}

/** The ladder given with --ladder; undefined for `auto` (the default): then it is measured. */
function typedLadder(config: PubConfig): readonly Rendition[] | undefined {
  if (config.ladder === undefined || config.ladder.trim().toLowerCase() === 'auto')
    return undefined;
  try {
    return parseLadder(config.ladder);
  } catch (error) {
    throw new CliError('USAGE', `--ladder: ${describeError(error)}`);
  }
}

/** --encoder, or the first hardware encoder that works (each one tried is reported). */
async function chooseVideoEncoder(
  ffmpegPath: string,
  config: PubConfig,
  signal: AbortSignal,
): Promise<H264Encoder> {
  if (config.encoder !== 'auto') return config.encoder;
  const choice = await chooseH264Encoder({ ffmpegPath, signal });
  for (const line of describeH264Choice(choice)) process.stderr.write(`moq-pub: ${line}\n`);
  return choice.encoder;
}

/** The richest default ladder this machine encodes in real time; none for a copied pipe. */
async function measuredLadder(
  ffmpegPath: string,
  videoEncoder: H264Encoder,
  config: PubConfig,
  signal: AbortSignal,
): Promise<readonly Rendition[] | undefined> {
  if (config.source.kind === 'stdin' && !config.source.transcode) return undefined;
  try {
    const choice = await measureLadder({
      ffmpegPath,
      videoEncoder,
      gopMs: config.gopMs,
      ...(config.preset !== undefined ? { preset: config.preset } : {}),
      signal,
    });
    process.stderr.write(`moq-pub: ladder measured: ${describeLadderChoice(choice)}\n`);
    return choice.ladder;
  } catch (error) {
    throw mediaError(error);
  }
}

interface EncoderChoice {
  ffmpegPath: string;
  videoEncoder: H264Encoder;
  ladder: readonly Rendition[] | undefined;
}

async function startEncoder(config: PubConfig, choice: EncoderChoice): Promise<Encoder> {
  try {
    return await Encoder.start({
      source: encoderSource(config),
      ...(choice.ladder ? { ladder: choice.ladder } : {}),
      ffmpegPath: choice.ffmpegPath,
      videoEncoder: choice.videoEncoder,
      audio: config.audio,
      gopMs: config.gopMs,
      ...(config.preset !== undefined ? { preset: config.preset } : {}),
      ...(config.durationMs !== undefined ? { durationMs: config.durationMs } : {}),
    });
  } catch (error) {
    throw mediaError(error);
  }
}

function encoderSource(config: PubConfig): EncoderSource {
  const { source } = config;
  if (source.kind === 'stdin') {
    return { kind: 'pipe', input: process.stdin, copy: !source.transcode };
  }
  return source;
}

function mediaError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const code = error instanceof EncoderError ? error.code : 'ENCODER';
  return new CliError('MEDIA', `${describeError(error)} [${code}]`, { cause: error });
}

/**
 * Announces the broadcast, feeds every encoder output through the packager, and runs until the
 * source ends (exit 0), the encoder dies (viewers see the broadcast end with the reason; exit 6),
 * the session fails (exit 5), GOAWAY, or SIGINT/SIGTERM (a clean end, exit 0).
 */
async function publish(session: MoqSession, encoder: Encoder, config: PubConfig): Promise<number> {
  const broadcast = new BroadcastProducer(config.namespace);
  // Sources ffmpeg paces itself get a capture clock; piped ones keep the prft they came with.
  const producerClock = config.source.kind === 'stdin' ? 'as-written' : 'anchored';
  const packager = new MediaPackager(broadcast, { producerClock });
  try {
    await session.publish(broadcast);
  } catch (error) {
    throw announceRefused(config, error);
  }
  const name = config.namespace.join('/');
  process.stderr.write(`moq-pub: live as ${name}; watch at ${watchUrl(config, name)}\n`);
  const stop = new AbortController();
  const status = new PubStatus(encoder, packager, (line) => process.stderr.write(`${line}\n`));
  // Once one outcome decided, the others (our own close, the encoder's exit) stay quiet.
  const say = (line: string): number => {
    if (!stop.signal.aborted) process.stderr.write(`moq-pub: ${line}\n`);
    return ExitCode.OK;
  };
  const tracks = encoder.outputs.map((output) =>
    packager.addTrack(
      encodedTrackMeta(output),
      untilProducerEnds(output.stream, encoder.closed),
      stop.signal,
    ),
  );
  try {
    return await Promise.race([
      finished(encoder, packager, tracks).then(() => say('the source ended')),
      sessionEnded(session).then(() => say('the relay closed the session')),
      session.goaway.then(() => say('the relay sent GOAWAY: ending the broadcast')),
      onStopSignal().then((signal) => say(`${signal}: ending the broadcast`)),
    ]);
  } finally {
    status.stop();
    stop.abort();
    void encoder.close('the broadcast ended');
    packager.close();
    broadcast.close();
  }
}

async function finished(
  encoder: Encoder,
  packager: MediaPackager,
  tracks: Promise<void>[],
): Promise<void> {
  try {
    await Promise.all([encoder.closed, ...tracks]);
  } catch (error) {
    const failure = mediaError(error);
    packager.close(new Error(failure.message));
    throw failure;
  }
}

async function sessionEnded(session: MoqSession): Promise<void> {
  try {
    await session.closed;
  } catch (error) {
    throw new CliError('SESSION_ERROR', `session ended: ${moqErrorText(error, SessionCloseCode)}`, {
      cause: error,
    });
  }
}

function announceRefused(config: PubConfig, error: unknown): CliError {
  const name = config.namespace.join('/');
  const scoped = error instanceof MoqError && error.scope === 'request';
  if (!scoped) {
    const text = moqErrorText(error, SessionCloseCode);
    return new CliError('SESSION_ERROR', `announcing ${name} failed: ${text}`, { cause: error });
  }
  const text = moqErrorText(error, PublishNamespaceErrorCode);
  const taken = error.code === PublishNamespaceErrorCode.NAMESPACE_TAKEN;
  const hint = taken ? `; the name is taken on this relay: choose another with --name` : '';
  return new CliError('REFUSED', `the relay refused broadcast ${name}: ${text}${hint}`, {
    cause: error,
  });
}

function watchUrl(config: PubConfig, name: string): string {
  const base = new URL(config.url);
  base.protocol = 'http:';
  return new URL(`/watch/${name}`, base).href;
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-pub', PUB_USAGE, () => main(process.argv.slice(2)));
}
