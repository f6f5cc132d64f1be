import { BACKOFF, type Backoff } from './backoff.js';
import { ChunkInput } from './chunk-input.js';
import { EmbeddedRelay, urlOf } from './embedded-relay.js';
import { EventHub } from './event-hub.js';
import { GoLiveMachine } from './go-live-machine.js';
import { GoLiveRun } from './go-live-run.js';
import { AutoLadder, isAutoLadder } from './auto-ladder.js';
import { OverloadWatch, describeOverload, type Overload } from './overload-watch.js';
import { SettingsStore } from './settings-store.js';
import { StatsCollector } from './stats-collector.js';
import { ViewerQualityWatch } from './viewer-quality-watch.js';
import { StudioChat } from './studio-chat.js';
import type {
  LogLevel,
  RelayInfo,
  SettingsPatch,
  StudioChatMessage,
  StudioApi,
  StudioEventName,
  StudioListener,
  StudioLogEntry,
  StudioSettings,
  StudioStatus,
  StudioVersions,
} from './studio-api.js';
import { StudioError, describeError } from './studio-error.js';
import { parseLadder } from '../media/encoder-node/index.js';

export interface StudioOptions {
  /** The application's version (package.json `version`). */
  appVersion: string;
  /** Where settings.json lives (created if missing). */
  dataDir: string;
  /** Address the embedded relay binds (default 127.0.0.1; 0.0.0.0 to serve other machines). */
  relayHost?: string;
  /** Host written into share links to the embedded relay (default: relayHost, or 127.0.0.1). */
  shareHost?: string;
  /** Overrides the stored embedded relay port (e.g. `moq-studio serve --relay-port`). */
  relayPort?: number;
  /** Environment ffmpeg is looked up in (FFMPEG_PATH, PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  backoff?: Backoff;
  /** Reconnect attempts before the broadcast ends (default 25, as OBS). */
  maxReconnectAttempts?: number;
  /** Default 1000 ms. */
  statsIntervalMs?: number;
  /** Default 10 s. */
  firstChunkTimeoutMs?: number;
}

/** Log entries kept for pages that open late (getLog). */
const LOG_HISTORY = 200;

/** The studio engine: StudioApi plus its own lifetime. */
export interface Studio extends StudioApi {
  readonly closed: Promise<void>;
  /** Stops any broadcast, the embedded relay and the timers. Safe to call twice. */
  close(reason?: string): Promise<void>;
}

/** Loads the settings and returns the engine (idle; the embedded relay starts on demand). */
export async function createStudio(options: StudioOptions): Promise<Studio> {
  const events = new EventHub();
  const history: StudioLogEntry[] = [];
  const log = (level: LogLevel, message: string): void => {
    const entry = { level, message, time: Date.now() };
    history.push(entry);
    if (history.length > LOG_HISTORY) history.shift();
    events.emit('log', entry);
  };
  const store = await SettingsStore.open(options.dataDir, (message) => log('warn', message));
  if (options.relayPort !== undefined && store.current.relay.kind === 'embedded') {
    await store.update({ relay: { kind: 'embedded', port: options.relayPort } });
  }
  return new StudioEngine(options, events, store, log, history);
}

class StudioEngine implements Studio {
  readonly closed: Promise<void>;
  readonly #machine: GoLiveMachine;
  readonly #relay: EmbeddedRelay;
  readonly #stats = new StatsCollector();
  readonly #viewerQuality = new ViewerQualityWatch();
  readonly #overload = new OverloadWatch();
  readonly #autoLadder = new AutoLadder();
  readonly #chat = new StudioChat((message) => this.events.emit('chat', message));
  readonly #statsTimer: ReturnType<typeof setInterval>;
  #run: GoLiveRun | undefined;
  #chunks: ChunkInput | undefined;
  #sampling = false;
  #warnedHeaderless = false;
  #closing = false;
  #settleClosed: () => void = () => undefined;

  constructor(
    private readonly options: StudioOptions,
    private readonly events: EventHub,
    private readonly store: SettingsStore,
    private readonly log: (level: LogLevel, message: string) => void,
    private readonly history: readonly StudioLogEntry[],
  ) {
    this.closed = new Promise((resolve) => (this.#settleClosed = resolve));
    this.#machine = new GoLiveMachine((status) => this.#onStatus(status));
    this.#relay = new EmbeddedRelay(options.relayHost ?? '127.0.0.1', options.dataDir);
    this.#statsTimer = setInterval(() => void this.#sample(), options.statsIntervalMs ?? 1000);
    this.#statsTimer.unref();
  }

  on<E extends StudioEventName>(event: E, listener: StudioListener<E>): () => void {
    return this.events.on(event, listener);
  }

  async getVersion(): Promise<StudioVersions> {
    return {
      app: this.options.appVersion,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
      node: process.versions.node,
    };
  }

  async getSettings(): Promise<StudioSettings> {
    return this.store.current;
  }

  async updateSettings(patch: SettingsPatch): Promise<StudioSettings> {
    this.#machine.expect(['idle'], 'change the settings');
    if (patch.ladder !== undefined) checkLadder(patch.ladder);
    const settings = await this.store.update(patch);
    this.log('info', `settings changed: ${Object.keys(patch).join(', ') || 'nothing'}`);
    return settings;
  }

  async getStatus(): Promise<StudioStatus> {
    return this.#machine.status;
  }

  async getLog(): Promise<StudioLogEntry[]> {
    return structuredClone([...this.history]);
  }

  async goLive(): Promise<StudioStatus> {
    this.#ensureOpen();
    this.#machine.transition('checking', 'Go live pressed');
    const settings = this.store.current;
    const capture = settings.source.kind === 'camera' || settings.source.kind === 'screen';
    if (capture) this.#chunks ??= new ChunkInput();
    const run = new GoLiveRun({
      machine: this.#machine,
      log: this.log,
      relay: this.#relay,
      settings,
      env: this.options.env ?? process.env,
      shareHost: this.#shareHost(),
      chunks: capture ? this.#chunks : undefined,
      backoff: this.options.backoff ?? BACKOFF,
      maxAttempts: this.options.maxReconnectAttempts ?? 25,
      firstChunkTimeoutMs: this.options.firstChunkTimeoutMs ?? 10_000,
      onSession: (session, signal) => {
        this.#chat.follow(session, settings.broadcastName, signal);
        this.#viewerQuality.follow(session, settings.broadcastName, signal);
      },
      autoLadder: this.#autoLadder,
    });
    this.#run = run;
    this.#relay.allowViewerChat(settings.broadcastName);
    this.log('info', `going live as "${settings.broadcastName}"`);
    try {
      await run.start();
    } catch (error) {
      if (!run.signal.aborted) await this.#fail(run, error);
      return this.#machine.status;
    }
    if (run.signal.aborted) return this.#machine.status;
    this.#machine.transition('live', 'the first group is out');
    this.log('info', `live: ${this.#machine.status.shareUrl ?? ''}`);
    void this.#supervise(run);
    return this.#machine.status;
  }

  async stop(): Promise<StudioStatus> {
    this.#machine.expect(['checking', 'starting', 'live', 'reconnecting'], 'stop');
    await this.#end('stopped by the user');
    return this.#machine.status;
  }

  async retryNow(): Promise<StudioStatus> {
    this.#machine.expect(['reconnecting'], 'retry now');
    this.log('info', 'retrying now');
    this.#run?.retryNow();
    return this.#machine.status;
  }

  async pushChunk(bytes: Uint8Array): Promise<void> {
    const { source } = this.store.current;
    if (source.kind !== 'camera' && source.kind !== 'screen') {
      throw new StudioError(
        'BAD_PARAMS',
        `the source is ${source.kind}: only camera and screen sources take captured chunks`,
        'choose the camera or screen source first',
      );
    }
    const accepted = (this.#chunks ??= new ChunkInput()).push(bytes);
    if (!accepted && !this.#warnedHeaderless) {
      this.#warnedHeaderless = true;
      this.log(
        'warn',
        'dropping captured chunks until a recorder starts a new capture (WebM header)',
      );
    }
    if (accepted) this.#warnedHeaderless = false;
  }

  async endChunks(): Promise<void> {
    this.#chunks?.end();
  }

  async getRelayInfo(): Promise<RelayInfo> {
    const target = this.store.current.relay;
    if (target.kind === 'remote') {
      let url: string | undefined;
      try {
        url = new URL(target.url).origin + '/';
      } catch {
        url = undefined;
      }
      return { kind: 'remote', url, running: false };
    }
    const relay = await this.#relay.ensure(target.port);
    return {
      kind: 'embedded',
      url: urlOf(this.#shareHost(), relay.port),
      running: true,
      port: relay.port,
      certificateSha256: relay.certificateSha256,
      relayAccess: this.#relay.access,
    };
  }

  async getChat(): Promise<StudioChatMessage[]> {
    return this.#chat.history;
  }

  async close(reason = 'the studio is closing'): Promise<void> {
    if (this.#closing) return this.closed;
    this.#closing = true;
    if (this.#machine.state !== 'idle' && this.#machine.state !== 'stopping') {
      await this.#end(reason);
    }
    clearInterval(this.#statsTimer);
    await this.#relay.close();
    this.events.clear();
    this.#settleClosed();
  }

  async #supervise(run: GoLiveRun): Promise<void> {
    const outcome = await run.supervise();
    if (run.signal.aborted || this.#run !== run) return;
    if (outcome.error) await this.#fail(run, outcome.error);
    else await this.#end(outcome.reason);
  }

  /** Reports a failure, ends the run and returns to idle; the studio stays usable. */
  async #fail(run: GoLiveRun, error: unknown): Promise<void> {
    const failure = asStudioError(error);
    this.#machine.failPending(failure.message);
    this.#machine.fail(failure.toInfo());
    this.log('error', `${failure.message}${failure.hint ? ` — ${failure.hint}` : ''}`);
    if (this.#run !== run) return;
    const state = this.#machine.state;
    if (state === 'checking' || state === 'starting') {
      await run.close(failure.message, failure);
      this.#run = undefined;
      this.#chunks = undefined;
      this.#machine.transition('idle', `going live failed: ${failure.message}`);
      return;
    }
    await this.#end(`the broadcast failed: ${failure.message}`, failure);
  }

  /** stopping → idle, closing the run; the share link goes, the checklist stays readable. */
  async #end(reason: string, failure?: Error): Promise<void> {
    this.#machine.transition('stopping', reason);
    const run = this.#run;
    this.#run = undefined;
    this.#chunks = undefined;
    await run?.close(reason, failure);
    this.#machine.transition('idle', reason);
    this.log('info', `stopped: ${reason}`);
  }

  #onStatus(status: StudioStatus): void {
    this.events.emit('status', status);
  }

  async #sample(): Promise<void> {
    const state = this.#machine.state;
    if (this.#sampling || state === 'idle') return;
    this.#sampling = true;
    try {
      const status = this.#machine.status;
      const stats = await this.#stats.sample({
        state,
        liveSince: status.liveSince,
        relayKind: this.store.current.relay.kind,
        relayAccess: this.#relay.access,
        publisher: this.#run?.publisher,
        connection: this.#run?.connection,
        groupsDropped: this.#run?.groupsDropped,
        relay: this.#relay.relay,
        viewerQuality: this.#viewerQuality.current(),
      });
      this.events.emit('stats', stats);
      const overload = this.#overload.observe(stats);
      if (overload) this.#onOverload(overload, stats.at);
    } catch (error) {
      this.log('warn', `stats failed: ${describeError(error)}`);
    } finally {
      this.#sampling = false;
    }
  }

  /**
   * The encoder is below real time: drop the top rendition (viewers on it move down with the
   * catalog) rather than let every viewer fall behind; with one rendition left, warn.
   */
  #onOverload(overload: Overload, at: number): void {
    const run = this.#run;
    const publisher = run?.publisher;
    if (!run || !publisher) return;
    if (!publisher.canDropRung()) {
      const warning = this.#overload.warning(overload, at);
      if (warning) this.log('warn', warning);
      return;
    }
    this.#overload.restart(Date.now());
    const why = describeOverload(overload);
    publisher.dropTopRung(run.signal).then(
      (drop) => {
        this.#overload.restart(Date.now());
        if (!drop) return;
        this.log(
          'warn',
          `encoding overloaded: dropped ${drop.dropped}, now ${drop.ladder.join(',')} ` +
            `(ffmpeg ran at ${why})`,
        );
      },
      // The broadcast ends with the failure through the publisher; this says what was tried.
      (error: unknown) => {
        if (!run.signal.aborted)
          this.log('error', `dropping a rendition failed: ${describeError(error)}`);
      },
    );
  }

  #shareHost(): string {
    const host = this.options.shareHost ?? this.options.relayHost ?? '127.0.0.1';
    return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  }

  #ensureOpen(): void {
    if (this.#closing) throw new StudioError('ILLEGAL_TRANSITION', 'the studio is closing');
  }
}

function checkLadder(text: string): void {
  if (isAutoLadder(text)) return;
  try {
    parseLadder(text);
  } catch (error) {
    throw new StudioError(
      'BAD_SETTINGS',
      `ladder "${text}": ${describeError(error)}`,
      'use renditions like 1080p,720p,360p, or auto',
    );
  }
}

function asStudioError(error: unknown): StudioError {
  return error instanceof StudioError
    ? error
    : new StudioError('INTERNAL', describeError(error), 'see the log', { cause: error });
}
