import { setTimeout as sleep } from 'node:timers/promises';
import {
  BroadcastProducer,
  Lagged,
  MoqError,
  MoqSession,
  PublishDoneCode,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  SubscribeErrorCode,
  type CodeTable,
  type GroupConsumer,
  type GroupProducer,
  type TrackConsumer,
  type TrackProducer,
} from '../moq/index.js';
import { displayUrl } from '../client/index.js';
import { CliError, ExitCode, describeError } from './cli-error.js';
import { CLOCK_USAGE, parseClockArgs, type ClockConfig } from './clock-args.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';
import { closeRelaySession, moqErrorText, openRelaySession } from './relay-session.js';

export const usage = CLOCK_USAGE;

/** moq-clock: publishes or prints the clock track; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const command = parseClockArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${CLOCK_USAGE}\n`);
    return ExitCode.OK;
  }
  if (command.kind === 'version') {
    process.stdout.write(`moq-clock ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const { config } = command;
  const opened = await openRelaySession(config.url, config.transport, config.protocols);
  try {
    return await runSession(opened.session, config);
  } finally {
    await closeRelaySession(opened);
  }
}

/**
 * Runs the publisher or subscriber until it finishes, the relay sends GOAWAY or ends the
 * session, or SIGINT/SIGTERM arrives — whichever comes first decides the exit code.
 */
async function runSession(session: MoqSession, config: ClockConfig): Promise<number> {
  const stop = new AbortController();
  // Once one outcome decided, the others (our own close, the reader's abort) stay quiet.
  const say = (line: string): void => {
    if (!stop.signal.aborted) process.stderr.write(`moq-clock: ${line}\n`);
  };
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      say(`${signal}: closing the session`);
      resolve(ExitCode.OK);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const goaway = session.goaway.then((uri) => {
    say(`the relay sent GOAWAY${uri ? ` (move to ${uri})` : ''}: closing, not reconnecting`);
    return ExitCode.OK;
  });
  const ended = session.closed.then(
    () => {
      say('the relay closed the session');
      return ExitCode.OK;
    },
    (error: unknown) => {
      throw new CliError(
        'SESSION_ERROR',
        `session ended: ${moqErrorText(error, SessionCloseCode)}`,
      );
    },
  );
  const work =
    config.mode === 'publish'
      ? publishClock(session, config, stop.signal)
      : subscribeClock(session, config, stop.signal);
  try {
    return await Promise.race([work, goaway, ended, stopped]);
  } finally {
    stop.abort();
  }
}

/** One group per minute (id = minutes since the epoch), one full timestamp per second. */
async function publishClock(
  session: MoqSession,
  config: ClockConfig,
  signal: AbortSignal,
): Promise<number> {
  const broadcast = new BroadcastProducer(config.namespace);
  const track = broadcast.createTrack(config.track);
  try {
    await session.publish(broadcast);
  } catch (error) {
    throw refused('announce', config, error, PublishNamespaceErrorCode);
  }
  const current: { group?: GroupProducer } = {};
  // Ending the group, track and broadcast cleanly, before the session closes, tells the relay
  // (and its subscribers) the track ended rather than broke.
  signal.addEventListener(
    'abort',
    () => {
      current.group?.close();
      track.close();
      broadcast.close();
    },
    { once: true },
  );
  process.stderr.write(`moq-clock: publishing ${trackPath(config)} to ${displayUrl(config.url)}\n`);
  // A timer may wake a millisecond before the wall clock's second turns: such a wake writes
  // nothing (the same second twice would be a wrong clock) and sleeps to the boundary again.
  let lastSecond = -Infinity;
  while (!signal.aborted) {
    const now = new Date();
    const second = Math.floor(now.getTime() / 1000);
    if (second > lastSecond) {
      current.group = tick(track, current.group, now);
      lastSecond = second;
    }
    try {
      await sleep(1000 - (Date.now() % 1000), undefined, { signal });
    } catch {
      break; // aborted: the caller is already deciding the exit code
    }
  }
  return ExitCode.OK;
}

/** Writes this second's object, starting a new group when the minute changed. */
function tick(track: TrackProducer, group: GroupProducer | undefined, now: Date): GroupProducer {
  const minute = Math.floor(now.getTime() / 60_000);
  let current = group;
  // A clock stepped backwards keeps writing into the current group: ids must only grow.
  if (!current || minute > current.groupId) {
    current?.close();
    current = track.createGroup(minute);
  }
  current.write(new TextEncoder().encode(formatTime(now)));
  return current;
}

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  return `${day} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

async function subscribeClock(
  session: MoqSession,
  config: ClockConfig,
  signal: AbortSignal,
): Promise<number> {
  const consumer = await subscribeOrRefuse(session, config);
  signal.addEventListener('abort', () => consumer.close(), { once: true });
  process.stderr.write(`moq-clock: subscribed to ${trackPath(config)}\n`);
  for (;;) {
    let next: GroupConsumer | Lagged | undefined;
    try {
      next = await consumer.nextGroup(signal);
    } catch (error) {
      return signal.aborted ? ExitCode.OK : trackEnded(error);
    }
    if (next === undefined) {
      // After our own stop the end is not news.
      if (!signal.aborted) process.stderr.write('moq-clock: the track ended\n');
      return ExitCode.OK;
    }
    if (next instanceof Lagged) {
      process.stderr.write(
        `moq-clock: fell behind, skipped groups ${next.fromGroup}..${next.toGroup}\n`,
      );
      continue;
    }
    await printGroup(next, signal);
  }
}

async function subscribeOrRefuse(session: MoqSession, config: ClockConfig): Promise<TrackConsumer> {
  try {
    return await session.subscribe(config.namespace, config.track);
  } catch (error) {
    throw refused('subscribe', config, error, SubscribeErrorCode);
  }
}

/**
 * Prints each object of a group. A first object ending in ':' is a `YYYY-MM-DD HH:MM:` base
 * that later objects (seconds only) complete — the format other MoQ clocks use.
 */
async function printGroup(group: GroupConsumer, signal: AbortSignal): Promise<void> {
  const decoder = new TextDecoder();
  let base = '';
  try {
    for (
      let object = await group.readObject(signal);
      object;
      object = await group.readObject(signal)
    ) {
      const text = decoder.decode(object.payload);
      if (object.objectId === 0 && text.endsWith(':')) base = text;
      else process.stdout.write(`${base}${text}\n`);
    }
  } catch (error) {
    if (signal.aborted) return;
    // One group cut short (evicted, reset) is not the end of the track: go on to the next.
    process.stderr.write(`moq-clock: group ${group.groupId} cut short: ${describeError(error)}\n`);
  }
}

function refused(
  what: 'announce' | 'subscribe',
  config: ClockConfig,
  error: unknown,
  table: CodeTable,
): CliError {
  const scoped = error instanceof MoqError && error.scope === 'request';
  const text = moqErrorText(error, scoped ? table : SessionCloseCode);
  const message = `${what} ${trackPath(config)} refused: ${text}`;
  return new CliError(scoped ? 'REFUSED' : 'SESSION_ERROR', message, { cause: error });
}

/**
 * The track ended with a PUBLISH_DONE status other than TRACK_ENDED: a publisher going away
 * is news but not a failure (exit 0); anything else, or a session error, throws.
 */
function trackEnded(error: unknown): number {
  const scoped = error instanceof MoqError && error.scope === 'request';
  const text = moqErrorText(error, scoped ? PublishDoneCode : SessionCloseCode);
  if (scoped && error.code === PublishDoneCode.GOING_AWAY) {
    process.stderr.write(`moq-clock: the publisher went away: ${text}\n`);
    return ExitCode.OK;
  }
  throw new CliError('SESSION_ERROR', `the track ended with an error: ${text}`, { cause: error });
}

function trackPath(config: ClockConfig): string {
  return `${config.namespace.join('/')}/${config.track}`;
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-clock', CLOCK_USAGE, () => main(process.argv.slice(2)));
}
