import { once } from 'node:events';
import { delay } from '../async/index.js';
import {
  MoqError,
  PublishDoneCode,
  SessionCloseCode,
  SubscribeErrorCode,
  type MoqSession,
  type TrackConsumer,
} from '../moq/index.js';
import {
  CATALOG_TRACK,
  HANG_CATALOG_TRACK,
  audioTracks,
  decodeInitData,
  readCatalogs,
  videoRenditions,
  type Catalog,
  type CatalogFormat,
  type CatalogTrack,
} from '../media/catalog/index.js';
import { muxInits, setTrackId } from '../media/cmaf/index.js';
import { readMedia } from '../media/packager/index.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import {
  closeRelaySession,
  moqErrorText,
  onStopSignal,
  openRelaySession,
} from './relay-session.js';
import { RecordingTimeline, type RecordingTrack } from './recording-timeline.js';
import { recordLegacy, type LegacyRecordingIo } from './moq-sub-legacy.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';
import { SUB_USAGE, parseSubArgs, type SubConfig } from './sub-args.js';

export const usage = SUB_USAGE;

/** How long the catalog may take to arrive before we say the broadcast is not there. */
const CATALOG_TIMEOUT_MS = 10_000;

/** moq-sub: writes a broadcast as fragmented MP4 to stdout; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseSubArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${SUB_USAGE}\n`);
    return ExitCode.OK;
  }
  if (command.kind === 'version') {
    process.stdout.write(`moq-sub ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const { config } = command;
  const opened = await openRelaySession(config.url, config.transport, config.protocols);
  const stop = new AbortController();
  const progress: Progress = { mediaObjects: 0, interrupted: false };
  try {
    const code = await Promise.race([
      subscribe(opened.session, config, progress, stop.signal),
      sessionEnded(opened.session, stop.signal),
      onStopSignal().then(() => {
        progress.interrupted = true;
        return ExitCode.OK;
      }),
      stdoutClosed(),
      ...(config.durationMs !== undefined ? [after(config.durationMs, stop.signal)] : []),
      noMediaWithin(config, progress, stop.signal),
    ]);
    if (
      code === ExitCode.OK &&
      !config.catalog &&
      !progress.interrupted &&
      progress.mediaObjects === 0
    ) {
      throw new CliError('NO_MEDIA', `no media arrived from ${config.namespace.join('/')}`);
    }
    return code;
  } finally {
    stop.abort();
    await closeRelaySession(opened);
  }
}

/** What has been written so far, for the "nothing arrived" checks. */
interface Progress {
  mediaObjects: number;
  /** Stopped by Ctrl-C: an empty file is then the user's choice, not a failure. */
  interrupted: boolean;
}

/** Fails when the broadcast has a catalog but sends no media for `--wait` seconds. */
async function noMediaWithin(
  config: SubConfig,
  progress: Progress,
  signal: AbortSignal,
): Promise<number> {
  if (config.catalog) return new Promise<number>(() => {});
  await delay(config.waitMs, signal).catch(() => undefined);
  if (signal.aborted || progress.mediaObjects > 0) return new Promise<number>(() => {});
  throw new CliError(
    'NO_MEDIA',
    `no media from ${config.namespace.join('/')} within ${config.waitMs / 1000} s: is the broadcast live?`,
  );
}

async function subscribe(
  session: MoqSession,
  config: SubConfig,
  progress: Progress,
  signal: AbortSignal,
): Promise<number> {
  const catalog = await firstCatalog(session, config, signal);
  if (config.catalog) {
    await write(`${JSON.stringify(catalog, null, 2)}\n`);
    return ExitCode.OK;
  }
  const tracks = chooseTracks(catalog, config);
  if (tracks.some((track) => track.packaging === 'legacy')) {
    return recordLegacy(tracks, legacyIo(session, config, progress), config.keepTimestamps, signal);
  }
  const inits = tracks.map((track) => decodeInitData(track));
  await write(muxInits(inits));
  const consumers = await subscribeAligned(session, config, tracks);
  const names = tracks.map((track) => track.name).join(', ');
  process.stderr.write(`moq-sub: receiving ${config.namespace.join('/')}: ${names}\n`);
  signal.addEventListener('abort', () => consumers.forEach((c) => c.close()), { once: true });
  const timeline = new RecordingTimeline(config.keepTimestamps);
  const copies = consumers.map((consumer, index) => {
    const track = timeline.track(inits[index] as Uint8Array, index === 0);
    return copyTrack(consumer, index + 1, track, progress, signal);
  });
  try {
    await Promise.all(copies);
  } catch (error) {
    if (signal.aborted) return ExitCode.OK;
    return broadcastEnded(error);
  }
  if (progress.mediaObjects === 0) {
    throw new CliError(
      'NO_MEDIA',
      `the broadcast ${config.namespace.join('/')} ended before any media`,
    );
  }
  process.stderr.write('moq-sub: the broadcast ended\n');
  return ExitCode.OK;
}

/**
 * The broadcast's catalog: MSF's `catalog` and hang's `catalog.json` (moq-dev's publishers) are
 * asked for at once, the first to deliver one wins (a hang publisher accepts the MSF
 * subscription and then sends nothing on it).
 */
async function firstCatalog(
  session: MoqSession,
  config: SubConfig,
  signal: AbortSignal,
): Promise<Catalog> {
  const name = config.namespace.join('/');
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(CATALOG_TIMEOUT_MS)]);
  const done = new AbortController();
  const reading = AbortSignal.any([timeout, done.signal]);
  const attempts = CATALOG_FORMATS.map(([track, format]) =>
    catalogFrom(session, config, track, format, reading),
  );
  try {
    return await Promise.any(attempts);
  } catch (error) {
    const failures = error instanceof AggregateError ? (error.errors as CatalogFailure[]) : [];
    const refused = failures.every((f) => f instanceof CatalogFailure && f.refused);
    // A catalog that arrived unreadable is the news; the other format's refusal is not.
    const unreadable = failures.filter((f) => f instanceof CatalogFailure && !f.refused);
    const told = unreadable.length > 0 ? unreadable : failures;
    const why = told.map((f) => (f instanceof Error ? f.message : String(f))).join('; ');
    const what = refused ? `no broadcast ${name} on the relay` : `no readable catalog for ${name}`;
    const within = timeout.aborted ? ` (none within ${CATALOG_TIMEOUT_MS / 1000} s)` : '';
    throw new CliError('REFUSED', `${what}: ${why}${within}`, { cause: error });
  } finally {
    done.abort();
  }
}

const CATALOG_FORMATS = [
  [CATALOG_TRACK, 'msf'],
  [HANG_CATALOG_TRACK, 'hang'],
] as const;

class CatalogFailure extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

async function catalogFrom(
  session: MoqSession,
  config: SubConfig,
  track: string,
  format: CatalogFormat,
  signal: AbortSignal,
): Promise<Catalog> {
  let consumer: TrackConsumer;
  try {
    consumer = await session.subscribe(config.namespace, track, { priority: 0 });
  } catch (error) {
    throw new CatalogFailure(`${track}: ${moqErrorText(error, SubscribeErrorCode)}`, true);
  }
  try {
    return await readFirstCatalog(consumer, format, signal);
  } catch (error) {
    throw new CatalogFailure(`${track}: ${describeError(error)}`, false);
  } finally {
    consumer.close();
  }
}

async function readFirstCatalog(
  consumer: TrackConsumer,
  format: CatalogFormat,
  signal: AbortSignal,
): Promise<Catalog> {
  const first = await readCatalogs(consumer, signal, format).next();
  if (first.done) throw new Error('the catalog track ended before any catalog');
  return first.value;
}

/** moq-sub's subscribing, writing and end handling, for the hang legacy recorder. */
function legacyIo(session: MoqSession, config: SubConfig, progress: Progress): LegacyRecordingIo {
  return {
    broadcast: config.namespace.join('/'),
    subscribe: (track) => subscribeTrack(session, config, track, 'latest'),
    write,
    ended: broadcastEnded,
    wrote: () => {
      progress.mediaObjects += 1;
    },
    note: (line) => process.stderr.write(`moq-sub: ${line}\n`),
  };
}

/** The chosen video rendition(s), then audio unless left out. */
export function chooseTracks(catalog: Catalog, config: SubConfig): CatalogTrack[] {
  const videos = videoRenditions(catalog);
  let chosen: CatalogTrack[];
  if (config.rendition === 'all') chosen = videos;
  else if (config.rendition === undefined) chosen = videos.slice(0, 1);
  else {
    const match = videos.find((v) => v.name === config.rendition || v.label === config.rendition);
    if (!match) {
      const names = videos.map((v) => v.name).join(', ') || 'none';
      throw new CliError('REFUSED', `no rendition ${config.rendition} (renditions: ${names})`);
    }
    chosen = [match];
  }
  const audio = config.audio ? audioTracks(catalog).slice(0, 1) : [];
  const tracks = [...chosen, ...audio];
  if (tracks.length === 0) throw new CliError('REFUSED', 'the catalog lists no media tracks');
  return tracks;
}

/**
 * Subscribes the first track at its newest group and the other renditions of its switching set
 * from that same group number: they are time-aligned by group (CMSF §Switching sets), so the
 * file starts at one instant across all of them. Audio groups are numbered on their own
 * timeline, so audio starts at its own newest group, asked for together with the first track's:
 * asked a round trip later, under load, it could land past a group boundary the video had not
 * crossed and start the file's audio a GOP late.
 */
async function subscribeAligned(
  session: MoqSession,
  config: SubConfig,
  tracks: CatalogTrack[],
): Promise<TrackConsumer[]> {
  const [first, ...rest] = tracks;
  if (!first) return [];
  const sameSet = (track: CatalogTrack): boolean =>
    track.altGroup !== undefined && track.altGroup === first.altGroup;
  const leading = subscribeTrack(session, config, first, 'latest');
  const ownTimeline = new Map(
    rest
      .filter((track) => !sameSet(track))
      .map((track) => [track, subscribeTrack(session, config, track, 'latest')] as const),
  );
  // Settle every request before failing, so no subscription is left open unseen.
  const settled = await Promise.allSettled([leading, ...ownTimeline.values()]);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    for (const result of settled) if (result.status === 'fulfilled') result.value.close();
    throw failed.reason;
  }
  const lead = await leading;
  const group = lead.latestGroupId;
  const others = await Promise.all(
    rest.map(
      (track) =>
        ownTimeline.get(track) ??
        subscribeTrack(session, config, track, group === undefined ? 'latest' : { group }),
    ),
  );
  return [lead, ...others];
}

async function subscribeTrack(
  session: MoqSession,
  config: SubConfig,
  track: CatalogTrack,
  start: 'latest' | { group: number },
): Promise<TrackConsumer> {
  try {
    return await session.subscribe(config.namespace, track.name, { start });
  } catch (error) {
    const text = moqErrorText(error, SubscribeErrorCode);
    throw new CliError('REFUSED', `subscribing ${track.name} failed: ${text}`, { cause: error });
  }
}

/** Every object of a track on the recording's timeline, re-labelled as the file's `trackId`. */
async function copyTrack(
  consumer: TrackConsumer,
  trackId: number,
  track: RecordingTrack,
  progress: Progress,
  signal: AbortSignal,
): Promise<void> {
  for await (const object of readMedia(consumer, signal)) {
    const placed = await track.place(object.payload, signal);
    if (!placed) continue;
    await write(setTrackId(placed, trackId));
    progress.mediaObjects += 1;
  }
}

async function write(data: Uint8Array | string): Promise<void> {
  if (process.stdout.write(data)) return;
  await once(process.stdout, 'drain');
}

function broadcastEnded(error: unknown): number {
  const scoped = error instanceof MoqError && error.scope === 'request';
  const text = moqErrorText(error, scoped ? PublishDoneCode : SessionCloseCode);
  if (scoped && error.code === PublishDoneCode.GOING_AWAY) {
    process.stderr.write(`moq-sub: the publisher went away: ${text}\n`);
    return ExitCode.OK;
  }
  throw new CliError('SESSION_ERROR', `the broadcast ended with an error: ${text}`, {
    cause: error,
  });
}

/** The session ending on its own; after our own stop it is not news. */
async function sessionEnded(session: MoqSession, stopped: AbortSignal): Promise<number> {
  try {
    await session.closed;
  } catch (error) {
    if (stopped.aborted) return ExitCode.OK;
    const text = moqErrorText(error, SessionCloseCode);
    throw new CliError('SESSION_ERROR', `session ended: ${text}`, { cause: error });
  }
  if (!stopped.aborted) process.stderr.write('moq-sub: the relay closed the session\n');
  return ExitCode.OK;
}

/** A reader that went away (`moq-sub | head`, ffplay closed) is a normal end. */
function stdoutClosed(): Promise<number> {
  return new Promise((resolve) => {
    process.stdout.once('error', () => resolve(ExitCode.OK));
  });
}

function after(delayMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(ExitCode.OK), delayMs);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-sub', SUB_USAGE, () => main(process.argv.slice(2)));
}
