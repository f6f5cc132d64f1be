import { access } from 'node:fs/promises';
import {
  chooseH264Encoder,
  describeH264Choice,
  findFfmpeg,
  findFfprobe,
  parseLadder,
  type EncoderOptions,
  type EncoderSource,
  type H264Encoder,
  type Rendition,
} from '../media/encoder-node/index.js';
import { isAutoLadder, type AutoLadder } from './auto-ladder.js';
import { backoffMs, type Backoff } from './backoff.js';
import type { MoqSession } from '../moq/index.js';
import type { ChunkInput } from './chunk-input.js';
import type { EmbeddedRelay } from './embedded-relay.js';
import type { GoLiveMachine } from './go-live-machine.js';
import { RelayConnection } from './relay-connection.js';
import type { LogLevel, StudioSettings } from './studio-api.js';
import { StudioError, describeError } from './studio-error.js';
import { StudioPublisher, ffmpegMissing } from './studio-publisher.js';

export interface RunDeps {
  machine: GoLiveMachine;
  log: (level: LogLevel, message: string) => void;
  relay: EmbeddedRelay;
  settings: StudioSettings;
  /** Where FFMPEG_PATH and PATH are read from. */
  env: NodeJS.ProcessEnv;
  /** Host in share links to the embedded relay. */
  shareHost: string;
  /** The camera/screen capture, for those sources. */
  chunks: ChunkInput | undefined;
  backoff: Backoff;
  /** Reconnect attempts before giving up (OBS: 25). */
  maxAttempts: number;
  /** How long a camera/screen source may take to deliver its first chunk. */
  firstChunkTimeoutMs: number;
  /** Each relay session the broadcast is announced on (the first, then after reconnects). */
  onSession?: (session: MoqSession, signal: AbortSignal) => void;
  /** Measures (once) the ladder for the `auto` setting. */
  autoLadder: AutoLadder;
}

interface Tools {
  ffmpegPath: string;
  ffprobePath: string | undefined;
  videoEncoder: H264Encoder;
}

/** How a run ended on its own (not by Stop). */
export interface RunOutcome {
  reason: string;
  error?: StudioError;
}

/**
 * One go-live attempt and the broadcast it becomes: checking (settings, ffmpeg, source, relay),
 * starting (announce, encoder, first group), then supervising: a lost relay session means
 * reconnecting with backoff — the encoder keeps running meanwhile — until live again.
 */
export class GoLiveRun {
  readonly #abort = new AbortController();
  readonly #deps: RunDeps;
  #publisher: StudioPublisher | undefined;
  #connection: RelayConnection | undefined;
  #url: URL | undefined;
  #wake: () => void = () => undefined;
  /** Groups dropped by sessions of this run that already ended. */
  #droppedBefore = 0;

  constructor(deps: RunDeps) {
    this.#deps = deps;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get publisher(): StudioPublisher | undefined {
    return this.#publisher;
  }

  get connection(): RelayConnection | undefined {
    return this.#connection;
  }

  /** Groups the publishing sessions of this run dropped for a slow link. */
  get groupsDropped(): number {
    return this.#droppedBefore + (this.#connection?.session.groupsDropped ?? 0);
  }

  /** Checking and starting; resolves when the first group is out, throws a StudioError. */
  async start(): Promise<void> {
    const { machine, settings } = this.#deps;
    const auto = isAutoLadder(settings.ladder);
    const typed = auto ? undefined : checkLadder(settings.ladder);
    const url = await this.#relayUrl();
    const tools = await this.#findTools();
    await this.#checkSource();
    const ladder = typed ?? (await this.#measuredLadder(tools));
    this.#connection = await this.#open(url);
    this.#url = url;
    machine.step('relay', 'done', url.origin);
    this.#transition('starting', `the relay at ${url.origin} answered`);
    const captured = settings.source.kind === 'camera' || settings.source.kind === 'screen';
    const publisher = new StudioPublisher(
      settings.broadcastName,
      captured ? 'as-written' : 'anchored',
    );
    this.#publisher = publisher;
    await this.#abortable(publisher.announce(this.#connection));
    machine.step('announced', 'done', settings.broadcastName);
    this.#deps.onSession?.(this.#connection.session, this.signal);
    machine.share(this.#shareUrl(url), {
      relayUrl: url.origin + '/',
      name: settings.broadcastName,
    });
    const encoder = await publisher.startEncoder(this.#encoderOptions(ladder, tools));
    machine.step('encoder', 'done', encoder.outputs.map((o) => o.name).join(', '));
    await publisher.firstGroup(this.signal);
    machine.step('firstGroup', 'done');
    machine.step('live', 'done');
  }

  /** Runs the live broadcast until the media ends, it fails, or reconnecting gives up. */
  async supervise(): Promise<RunOutcome> {
    const publisher = this.#publisher;
    if (!publisher) throw new StudioError('INTERNAL', 'supervise before start');
    let media: RunOutcome | undefined;
    publisher.ended.then(
      () => (media = { reason: 'the source ended' }),
      (error: unknown) => (media = { reason: 'the encoder failed', error: asStudioError(error) }),
    );
    const mediaDone = publisher.ended.then(
      () => undefined,
      () => undefined,
    );
    // Media that ends while a reconnect waits ends the wait too: there is nothing to resume.
    void mediaDone.then(() => this.#wake());
    while (!this.signal.aborted) {
      const connection = this.#connection;
      const lost = connection ? sessionLost(connection) : Promise.resolve('no relay session');
      const why = await Promise.race([lost, mediaDone.then(() => undefined), this.#aborted()]);
      if (media || this.signal.aborted) break;
      this.#deps.log('warn', `relay session lost (${why ?? 'closed'}): reconnecting`);
      this.#transition('reconnecting', `the relay session ended: ${why ?? 'closed'}`);
      const back = await this.#reconnect(() => media !== undefined);
      if (media || this.signal.aborted) break;
      if (!back) {
        return {
          reason: 'the relay stayed unreachable',
          error: new StudioError(
            'SESSION_LOST',
            `lost the relay and ${this.#deps.maxAttempts} reconnect attempts failed`,
            'check the relay, then go live again',
          ),
        };
      }
      this.#transition('live', 'reconnected to the relay');
    }
    return media ?? { reason: 'stopped' };
  }

  /** While reconnecting: skip the remaining wait. */
  retryNow(): void {
    this.#wake();
  }

  /** Ends everything this run opened. Safe to call twice. */
  async close(reason: string, failure?: Error): Promise<void> {
    this.#abort.abort(new StudioError('INTERNAL', reason));
    this.#wake();
    await this.#publisher?.close(reason, failure);
    await this.#connection?.close();
  }

  async #reconnect(mediaEnded: () => boolean): Promise<boolean> {
    const { machine, backoff, maxAttempts, log } = this.#deps;
    await this.#dropConnection();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (mediaEnded()) return false;
      const delay = backoffMs(attempt, backoff);
      machine.reconnecting(attempt, Date.now() + delay);
      await this.#sleep(delay);
      if (this.signal.aborted || mediaEnded()) return false;
      try {
        const connection = await this.#open(await this.#relayUrlAgain());
        this.#connection = connection;
        await this.#abortable(this.#publisher?.announce(connection) ?? Promise.resolve());
        this.#deps.onSession?.(connection.session, this.signal);
        log('info', `reconnected on attempt ${attempt}`);
        return true;
      } catch (error) {
        await this.#dropConnection();
        if (this.signal.aborted) return false;
        // A taken name right after a drop is usually our own old session, not yet timed out.
        log('warn', `reconnect attempt ${attempt} failed: ${describeError(error)}`);
      }
    }
    return false;
  }

  async #dropConnection(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    this.#droppedBefore += connection.session.groupsDropped;
    await connection.close();
  }

  async #relayUrl(): Promise<URL> {
    const { relay, settings } = this.#deps;
    const target = settings.relay;
    if (target.kind === 'embedded') {
      const running = await relay.ensure(target.port);
      return new URL((await relay.publishUrl()) ?? `http://127.0.0.1:${running.port}/`);
    }
    const url = parseRelayUrl(target.url);
    if (target.token) url.searchParams.set('jwt', target.token);
    return url;
  }

  /** After a drop: the embedded relay is restarted on its port if it went away. */
  #relayUrlAgain(): Promise<URL> {
    return this.#deps.settings.relay.kind === 'embedded'
      ? this.#relayUrl()
      : Promise.resolve(this.#url!);
  }

  async #findTools(): Promise<Tools> {
    const { env, log } = this.#deps;
    let ffmpegPath: string;
    try {
      ffmpegPath = await findFfmpeg({ env, signal: this.signal });
    } catch (error) {
      throw ffmpegMissing(error);
    }
    const ffprobePath = await findFfprobe(ffmpegPath, { env, signal: this.signal });
    const choice = await chooseH264Encoder({ ffmpegPath, signal: this.signal });
    for (const line of describeH264Choice(choice)) log('info', line);
    return { ffmpegPath, ffprobePath, videoEncoder: choice.encoder };
  }

  /** The `auto` ladder; a captured source is copied as it is, so it needs none. */
  async #measuredLadder(tools: Tools): Promise<readonly Rendition[] | undefined> {
    const { settings, log } = this.#deps;
    if (settings.source.kind === 'camera' || settings.source.kind === 'screen') return undefined;
    return this.#deps.autoLadder.choose({
      ffmpegPath: tools.ffmpegPath,
      videoEncoder: tools.videoEncoder,
      gopMs: settings.gopMs,
      log: (message) => log('info', message),
      signal: this.signal,
    });
  }

  async #checkSource(): Promise<void> {
    const { source } = this.#deps.settings;
    if (source.kind === 'file') {
      await access(source.path).catch((error: unknown) => {
        throw new StudioError(
          'FILE_NOT_FOUND',
          `the media file ${source.path} cannot be read (${describeError(error)})`,
          'choose an existing media file in the source settings',
          { cause: error },
        );
      });
    }
    const chunks = this.#deps.chunks;
    if (chunks) await this.#firstChunk(chunks);
  }

  async #firstChunk(chunks: ChunkInput): Promise<void> {
    const { firstChunkTimeoutMs } = this.#deps;
    const timeout = new Promise<'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), firstChunkTimeoutMs);
      this.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
    const first = await Promise.race([chunks.first.then(() => 'chunk' as const), timeout]);
    this.signal.throwIfAborted();
    if (first === 'timeout') {
      throw new StudioError(
        'NO_CHUNKS',
        `no ${this.#deps.settings.source.kind} capture arrived within ${firstChunkTimeoutMs / 1000} s`,
        'allow camera/screen access in the browser or app, then go live again',
      );
    }
  }

  #open(url: URL): Promise<RelayConnection> {
    return RelayConnection.open(url, this.signal);
  }

  #encoderOptions(ladder: readonly Rendition[] | undefined, tools: Tools): EncoderOptions {
    const { settings } = this.#deps;
    return {
      source: this.#encoderSource(),
      ...(ladder ? { ladder } : {}),
      audio: settings.audio,
      gopMs: settings.gopMs,
      videoEncoder: tools.videoEncoder,
      ffmpegPath: tools.ffmpegPath,
      ...(tools.ffprobePath ? { ffprobePath: tools.ffprobePath } : {}),
      signal: this.signal,
    };
  }

  #encoderSource(): EncoderSource {
    const { source } = this.#deps.settings;
    const chunks = this.#deps.chunks;
    if (source.kind === 'test-pattern') return { kind: 'test-pattern' };
    if (source.kind === 'file') return { kind: 'file', path: source.path, loop: source.loop };
    if (!chunks) throw new StudioError('NO_CHUNKS', 'no capture to encode', 'start the capture');
    // MediaRecorder's H.264 is copied as captured; VP8 is encoded once at its own size.
    return { kind: 'pipe', input: chunks.stream, copy: true };
  }

  #shareUrl(url: URL): string {
    const name = this.#deps.settings.broadcastName;
    const base = new URL(url.origin);
    if (this.#deps.settings.relay.kind === 'embedded') base.hostname = this.#deps.shareHost;
    return new URL(`/watch/${name}`, base).href;
  }

  #transition(to: 'starting' | 'live' | 'reconnecting', reason: string): void {
    this.signal.throwIfAborted();
    this.#deps.machine.transition(to, reason);
  }

  #aborted(): Promise<undefined> {
    return new Promise((resolve) => {
      if (this.signal.aborted) resolve(undefined);
      this.signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
  }

  #abortable<T>(work: Promise<T>): Promise<T> {
    return Promise.race([
      work,
      this.#aborted().then(() => {
        throw new StudioError('INTERNAL', 'cancelled');
      }),
    ]);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function checkLadder(text: string): readonly Rendition[] {
  try {
    return parseLadder(text);
  } catch (error) {
    throw new StudioError(
      'BAD_SETTINGS',
      `ladder "${text}": ${describeError(error)}`,
      'use renditions like 1080p,720p,360p',
    );
  }
}

/** A relay URL the transport can use: http(s)://host:port/…; anything else is BAD_RELAY_URL. */
export function parseRelayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badUrl(text, 'it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUrl(text, `${url.protocol} is not http: or https:`);
  }
  if (!url.hostname) throw badUrl(text, 'it has no host');
  return url;
}

function badUrl(text: string, why: string): StudioError {
  return new StudioError(
    'BAD_RELAY_URL',
    `the relay URL "${text}" is invalid: ${why}`,
    'use a URL like http://relay.example.com:4443/ (http: fetches the certificate hash, https: needs a trusted certificate)',
  );
}

function asStudioError(error: unknown): StudioError {
  return error instanceof StudioError
    ? error
    : new StudioError('INTERNAL', describeError(error), '', { cause: error });
}

/** Resolves (never rejects) with why the session ended, once it has. */
async function sessionLost(connection: RelayConnection): Promise<string> {
  const goaway = connection.session.goaway.then(() => 'the relay sent GOAWAY');
  const closed = connection.session.closed.then(
    () => 'the relay closed the session',
    (error: unknown) => describeError(error),
  );
  return Promise.race([goaway, closed]);
}
