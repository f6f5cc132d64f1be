import { delay } from '../../async/index.js';
import type { MoqSession } from '../../moq/index.js';
import type { Catalog } from '../catalog/index.js';
import {
  openCatalog,
  pageCatalog,
  refusedRequest,
  unreadableCatalog,
  type OpenedCatalog,
} from './catalog-opener.js';
import { CatalogChanges } from './catalog-changes.js';
import { checkDecodable, decodable } from './codec-support.js';
import { AudioOutput } from './audio-output.js';
import { connectRelay } from './connect-relay.js';
import { JoinTimeline } from './join-timeline.js';
import { renditionInfo, type MediaTrack } from './media-track.js';
import type { Playback, PlaybackContext } from './playback.js';
import { PlayerError, type PlayerErrorCode } from './player-error.js';
import type {
  AbrSide,
  ChosenBy,
  PlayerMode,
  PlayerOptions,
  PlayerState,
  PlayerStats,
  RelayTransport,
} from './player-types.js';
import { RealtimePlayback } from './realtime-playback.js';
import { RenditionPicker } from './rendition-picker.js';
import { playableTracks } from './start-requests.js';
import { WarmDecoder } from './warm-decoder.js';
import { createFrameSink, type FrameSink } from './frame-sink.js';
import { StatsRecorder } from './stats-recorder.js';
import { StageSize } from './stage-size.js';
import { VideoFeed } from './video-feed.js';

const ABR_INTERVAL_MS = 1000;
/** A catalog track that has said nothing for this long is named as the problem. */
const CATALOG_SILENCE_MS = 4000;
/**
 * How long a track's end waits for the catalog to say whether a rendition was taken away or the
 * broadcast ended (both usually come within a round trip of each other).
 */
const TRACK_END_CATALOG_WAIT_MS = 3000;

/**
 * Watches one broadcast from a relay: connects (WebTransport, else WebSocket), reads the
 * catalog, picks a video rendition and the audio track, and plays them in sync — real-time on
 * WebCodecs or buffered on MSE. Quality is Auto (ABR) or a rendition chosen by hand; either way a
 * switch takes effect at the new rendition's next group, with no stall.
 */
export class Player {
  /** Settles once playback started (or rejects with why it could not). */
  readonly ready: Promise<void>;
  readonly #options: PlayerOptions;
  readonly #namespace: string[];
  readonly #abort = new AbortController();
  readonly #listeners = new Set<() => void>();
  readonly #output = new AudioOutput();
  #stats: StatsRecorder;
  #state: PlayerState = 'connecting';
  #reason: string | undefined;
  #reasonCode: PlayerErrorCode | undefined;
  #transport: RelayTransport | undefined;
  #session: MoqSession | undefined;
  #mode: PlayerMode;
  readonly #renditions: RenditionPicker;
  #audio: MediaTrack | undefined;
  #current: MediaTrack | undefined;
  /** What is subscribed (or about to be): one rendition, or a switching set for the relay. */
  #target: VideoFeed | undefined;
  #chosenBy: ChosenBy | undefined;
  /** A decoder started for the first rendition before the playback exists (warm-decoder.ts). */
  #warm: WarmDecoder | undefined;
  /** The screen, made while the session comes up (#askDecoders); the playback takes it. */
  #warmSink: FrameSink | undefined;
  #playback: Playback | undefined;
  #switches = 0;
  #throughputBps: number | undefined;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  readonly #stageSize: StageSize;
  readonly #startedAt = performance.now();
  #connectMs: number | undefined;
  #catalogMs: number | undefined;
  readonly #join = new JoinTimeline(this.#startedAt);
  readonly #catalogChanges = new CatalogChanges();
  /** A media track ended and the player is finding out why (#onTrackEnd). */
  #endingTrack = false;

  constructor(options: PlayerOptions) {
    this.#options = options;
    this.#stageSize = new StageSize(options.stage);
    this.#stats = new StatsRecorder(this.#startedAt);
    this.#namespace = options.name.split('/').filter(Boolean);
    this.#mode = options.mode ?? 'realtime';
    this.#renditions = new RenditionPicker(options.rendition ?? 'auto', options.abr ?? 'relay');
    this.#timers.push(setInterval(() => this.#adapt(), ABR_INTERVAL_MS));
    this.ready = this.#run();
    this.ready.catch((error: unknown) => this.#fail(error));
  }

  stats(): PlayerStats {
    const s = this.#stats;
    return {
      state: this.#currentState(),
      ...(this.#reason === undefined ? {} : { reason: this.#reason }),
      ...(this.#reasonCode === undefined ? {} : { reasonCode: this.#reasonCode }),
      transport: this.#transport,
      draft: this.#session === undefined ? undefined : this.#session.version - 0xff000000,
      rendition: this.#current?.label,
      renditionChoice: this.#renditions.choice,
      abr: this.#renditions.side,
      chosenBy: this.#chosenBy,
      relayAbr: this.#renditions.relayDeclined ? false : this.#target?.relayChooses,
      decodeLimit: this.#renditions.decodeLimitLabel(),
      renditions: this.#renditions.tracks.map(renditionInfo),
      mode: this.#mode,
      latencyMs: s.latencyMs,
      latencyP50Ms: s.percentile(50),
      latencyP95Ms: s.percentile(95),
      bitrateBps: s.bitrateBps(),
      throughputBps: this.#throughputBps,
      framesDecoded: s.framesDecoded,
      framesRendered: s.framesRendered,
      framesDropped: s.framesDropped,
      skips: s.skips,
      audioFramesPlayed: s.audioFramesPlayed,
      audioFramesDecoded: s.audioFramesDecoded,
      bufferMs: this.#playback?.bufferMs() ?? 0,
      jitterMarginMs: this.#playback?.jitterMarginMs(),
      maxRenderGapMs: s.maxRenderGapMs,
      stalls: s.stalls,
      stallMs: Math.round(s.stallMs),
      joinMs: s.joinMs,
      catchUpMs: s.catchUpMs === undefined ? undefined : Math.round(s.catchUpMs),
      staleFramesShown: s.staleFramesShown,
      connectMs: this.#connectMs,
      catalogMs: this.#catalogMs,
      join: this.#joinBreakdown(),
      latencyTrace: s.trace.medians(),
      latencyTraceP95: s.trace.p95s(),
      switches: this.#switches,
    };
  }

  /** Whether sound is off (muted by the viewer, or not yet allowed to play by the browser). */
  get muted(): boolean {
    return this.#output.muted;
  }

  /** Calls `listener` whenever the state, reason, rendition or mute changes; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  resetStats(): void {
    this.#stats.reset();
  }

  /** `auto` or a rendition label; a hand-picked one turns ABR off. */
  setRendition(choice: string): void {
    this.#renditions.choose(choice);
    const feed = this.#renditions.feedFor(this.#current);
    if (feed) this.#switchTo(feed);
    this.#refreshUi();
  }

  /** Who runs Auto: the relay (server-side ABR, the default) or this player. Selects Auto. */
  setAbr(side: AbrSide): void {
    this.#renditions.chooseSide(side);
    this.setRendition('auto');
  }

  async setMode(mode: PlayerMode): Promise<void> {
    if (mode === this.#mode) return;
    this.#mode = mode;
    if (!this.#current || this.#state === 'ended') return;
    this.#playback?.close();
    this.#playback = undefined;
    // A failure here is the player's state (shown as an error), not the caller's to handle.
    const feed = this.#renditions.feedFor(this.#current);
    if (!feed) return;
    await this.#play(feed).catch((error: unknown) => this.#fail(error));
  }

  async toggleMute(): Promise<void> {
    await this.#output.toggleMute();
    if (this.#playback) this.#playback.muted = this.#output.muted;
    this.#refreshUi();
  }

  close(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    for (const timer of this.#timers) clearInterval(timer);
    this.#stageSize.close();
    this.#playback?.close();
    this.#warm?.close();
    this.#warmSink?.close();
    this.#session?.close();
    this.#output.close();
    this.#listeners.clear();
  }

  /** The output, opened for a playback's audio: its sound follows the output's state. */
  #openAudioOutput(): AudioContext {
    const context = this.#output.open();
    if (this.#playback) this.#playback.muted = this.#output.muted;
    this.#refreshUi();
    return context;
  }

  #joinBreakdown(): PlayerStats['join'] {
    if (this.#stats.joinMs !== undefined) {
      this.#join.mark('firstFrame', this.#startedAt + this.#stats.joinMs);
    }
    if (this.#session) this.#join.subscriptionsSentEarly(this.#session.earlySubscriptions.adopted);
    return this.#join.breakdown();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    const hash = this.#options.certificateSha256;
    const connecting = connectRelay(this.#options.url, {
      signal,
      transport: this.#options.transport,
      ...(hash === undefined ? {} : { certificateSha256: hash }),
      ...(this.#options.draft === undefined ? {} : { draft: this.#options.draft }),
    });
    // Connecting goes first, then the page's catalog is read while it runs. No task boundary
    // between them: on the watch page the setup was written early and the relay's answer is
    // waiting, and a `setTimeout(0)` here waited 25–100 ms behind the starting page's own tasks
    // on a loaded machine. Without an early session the handshake is still under way, so
    // nothing waits on the catalog's 5–25 ms. The audio output opens after the first frame
    // (RealtimePlayback).
    const pageCatalog = this.#usePageCatalog();
    if (pageCatalog) {
      this.#join.catalogFromPage();
      this.#join.mark('catalog');
      this.#catalogMs = performance.now() - this.#startedAt;
      this.#askDecoders();
    }
    const connection = await connecting;
    this.#session = connection.session;
    this.#transport = connection.transport;
    this.#connectMs = performance.now() - this.#startedAt;
    this.#join.mark('session');
    if (connection.openedEarly) this.#join.sessionOpenedEarly(connection.setupSentEarly);
    this.#session.closed.then(
      () => this.#end(undefined),
      (error: unknown) => this.#end(error instanceof Error ? error : new Error(String(error))),
    );
    if (pageCatalog && (await this.#playFromPage(this.#session, signal))) return;
    await this.#playFromCatalogTrack(this.#session, signal);
  }

  /** Takes the catalog the page carried, if it is one this player reads; never a failure. */
  #usePageCatalog(): boolean {
    const catalog = pageCatalog(this.#options.catalogJson);
    if (!catalog) return false;
    try {
      this.#useCatalog(catalog);
      return true;
    } catch {
      // A track's init data does not parse: the catalog track is read.
      this.#renditions.useTracks([], this.#stageSize.showablePx);
      this.#audio = undefined;
      return false;
    }
  }

  /**
   * Starts on the page's catalog at once: the starting rendition is subscribed while the catalog
   * track is read alongside (its catalogs replace the page's, as any update does). False when
   * the page's catalog named a track the broadcast no longer has: then the track's catalog leads.
   */
  async #playFromPage(session: MoqSession, signal: AbortSignal): Promise<boolean> {
    const start = this.#renditions.startFeed(this.#stageSize.showablePx);
    if (!start) return false;
    // The media subscriptions go out first; the catalog track's (for updates) a task later,
    // once theirs are written (#play waits on the decoder check before it subscribes).
    const playing = this.#play(start);
    const following = delay(0).then(() => this.#openCatalog(session, signal));
    try {
      await playing;
    } catch (error) {
      if (!refusedRequest(error) || signal.aborted) throw error;
      following.then(
        (opened) => opened.consumer.close(),
        () => undefined,
      );
      this.#playback?.close();
      this.#playback = undefined;
      this.#state = 'connecting';
      return false;
    }
    following.then(
      (opened) => {
        this.#useCatalog(opened.first);
        void this.#followCatalog(opened.updates);
      },
      () => undefined, // the media tracks report a broadcast that ends
    );
    return true;
  }

  /** Asks the browser about the starting tracks' codecs now: #play finds the answers ready. */
  #askDecoders(): void {
    const video = this.#renditions.startFeed(this.#stageSize.showablePx)?.first;
    if (video) void decodable(video);
    if (this.#audio) void decodable(this.#audio);
    // Real time decodes on WebCodecs: its decoder starts now, while the session comes up.
    if (!video || this.#mode !== 'realtime') return;
    this.#warm = WarmDecoder.start(video);
    // The screen too (a media element: 20–30 ms of the main thread, and the browser's media
    // pipeline behind it), while the handshake is under way rather than after it.
    this.#warmSink = createFrameSink();
    this.#options.stage.prepend(this.#warmSink.element);
  }

  async #playFromCatalogTrack(session: MoqSession, signal: AbortSignal): Promise<void> {
    const silence = setTimeout(
      () => this.#waiting('NO_CATALOG', 'no MSF catalog on this broadcast yet'),
      CATALOG_SILENCE_MS,
    );
    let updates: AsyncGenerator<Catalog>;
    try {
      const opened = await this.#openCatalog(session, signal);
      updates = opened.updates;
      this.#useCatalog(opened.first);
      clearTimeout(silence);
      if (this.#renditions.tracks.length === 0) {
        this.#waiting('NO_PLAYABLE_TRACK', 'the catalog lists no video track (yet)');
      }
      // A broadcast that is still starting lists its tracks one by one: wait for a video track.
      while (this.#renditions.tracks.length === 0) {
        const next = await updates.next().catch((error: unknown) => {
          throw unreadableCatalog(error, opened.format);
        });
        if (next.done) throw new PlayerError('NO_CATALOG', `${this.#options.name} has no catalog`);
        this.#useCatalog(next.value);
      }
    } finally {
      clearTimeout(silence);
    }
    this.#waiting(undefined, undefined);
    this.#catalogMs = performance.now() - this.#startedAt;
    this.#join.mark('catalog');
    void this.#followCatalog(updates);
    const start = this.#renditions.startFeed(this.#stageSize.showablePx);
    if (!start) throw new PlayerError('NO_PLAYABLE_TRACK', 'the catalog lists no video track');
    await this.#play(start);
  }

  #openCatalog(session: MoqSession, signal: AbortSignal): Promise<OpenedCatalog> {
    return openCatalog({
      session,
      namespace: this.#namespace,
      name: this.#options.name,
      signal,
      waiting: (code, reason) => this.#waiting(code, reason),
    });
  }

  /** What the player is waiting for while connecting, shown instead of a bare "Connecting…". */
  #waiting(code: PlayerErrorCode | undefined, reason: string | undefined): void {
    if (this.#state !== 'connecting') return;
    this.#reasonCode = code;
    this.#reason = reason;
    this.#refreshUi();
  }

  async #followCatalog(updates: AsyncGenerator<Catalog>): Promise<void> {
    try {
      for await (const catalog of updates) this.#useCatalog(catalog);
    } catch {
      // The catalog track ending is the broadcast ending: the media tracks report it.
    }
    this.#catalogChanges.end();
  }

  #useCatalog(catalog: Catalog): void {
    const { video, audio } = playableTracks(catalog);
    this.#renditions.useTracks(video, this.#stageSize.showablePx);
    this.#audio ??= audio;
    this.#catalogChanges.changed();
  }

  async #play(video: VideoFeed): Promise<void> {
    const ctx: PlaybackContext = {
      session: this.#session as MoqSession,
      namespace: this.#namespace,
      stats: this.#stats,
      join: this.#join,
      stage: this.#options.stage,
      onEnd: (error) => void this.#onTrackEnd(error),
      onError: (error) => this.#fail(error),
      onRendition: (track, feed) => this.#onRendition(track, feed),
      onSwitchAbandoned: (active, abandoned) => {
        this.#target = active;
        if (!abandoned.switching) this.#renditions.holdOff(abandoned.first.entry.name);
      },
      onThroughput: (bps) => {
        // The newest burst counts most; one odd burst moves the estimate only part way.
        this.#throughputBps =
          this.#throughputBps === undefined ? bps : 0.5 * this.#throughputBps + 0.5 * bps;
      },
    };
    // Legacy (hang) frames carry no init segment for a SourceBuffer: WebCodecs plays them.
    const legacy =
      this.#renditions.tracks.some((t) => t.entry.packaging === 'legacy') ||
      this.#audio?.entry.packaging === 'legacy';
    const realtime = this.#mode === 'realtime' || legacy;
    const audio = realtime ? await checkDecodable(video.first, this.#audio) : this.#audio;
    const playback = realtime
      ? new RealtimePlayback(ctx, () => this.#openAudioOutput(), this.#warm, this.#takeSink())
      : await bufferedPlayback(ctx);
    playback.muted = this.#output.muted;
    this.#playback = playback;
    // The first group may come from another rendition: the playback reports it when it does.
    this.#current = video.first;
    const choice = this.#renditions.choice;
    this.#chosenBy = choice !== 'auto' ? 'viewer' : video.switching ? 'relay' : 'player';
    this.#target = video;
    if (this.#state === 'connecting') this.#state = 'buffering';
    const starting = playback.start(video, audio, this.#abort.signal);
    // Taken by the start's first rendition by now, or not wanted (another one, or buffered).
    this.#warm?.close();
    this.#warm = undefined;
    this.#warmSink?.close(); // buffered playback shows frames in its own element
    this.#warmSink = undefined;
    await starting;
  }

  #takeSink(): FrameSink | undefined {
    const sink = this.#warmSink;
    this.#warmSink = undefined;
    return sink;
  }

  #switchTo(feed: VideoFeed): void {
    if (!this.#playback || feed.key === this.#target?.key) return;
    this.#target = feed;
    this.#playback.switchVideo(feed, this.#abort.signal).catch((e: unknown) => this.#fail(e));
  }

  #onRendition(track: MediaTrack, feed: VideoFeed): void {
    this.#current = track;
    this.#switches++;
    if (this.#renditions.choice !== 'auto') this.#chosenBy = 'viewer';
    else this.#chosenBy = feed.switching && feed.relayChooses ? 'relay' : 'player';
    this.#refreshUi();
  }

  /** Auto quality: one decision a second, by the player or (decode capacity only) for the relay. */
  #adapt(): void {
    const stalled = this.#playback?.stalled() ?? false;
    const sample = this.#stats.abrSample(stalled, this.#throughputBps);
    if (!sample) return; // stats were reset meanwhile
    const target = this.#target;
    if (!target || !this.#current) return;
    if (this.#currentState() !== 'playing' && !sample.stalled) return;
    const feed = this.#renditions.adapt(target, this.#current, sample);
    if (feed) this.#switchTo(feed);
  }

  #currentState(): PlayerState {
    if (this.#state === 'ended' || this.#state === 'error' || this.#state === 'connecting') {
      return this.#state;
    }
    if (this.#stats.framesRendered === 0 || this.#playback?.stalled()) return 'buffering';
    return 'playing';
  }

  /**
   * A media track ended: the broadcast, or only the rendition being played (the publisher took
   * it away and republished the catalog without it). Then playback moves to what is left, and a
   * rendition picked by hand that no longer exists gives way to Auto.
   *
   * The guard covers the decision only: the tracks of one broadcast end together, so one
   * decision answers for all of them. Moving to what is left runs outside it, so the broadcast
   * ending while the new rendition starts (a studio that drops its top rung just before Stop)
   * is heard, not lost.
   */
  async #onTrackEnd(error: Error | undefined): Promise<void> {
    if (this.#endingTrack) return;
    this.#endingTrack = true;
    const removed = (): boolean => {
      const current = this.#current?.entry.name;
      return (
        current !== undefined &&
        !this.#renditions.byName(current) &&
        this.#renditions.tracks.length > 0
      );
    };
    const why = await this.#catalogChanges
      .whyEnded(removed, TRACK_END_CATALOG_WAIT_MS, this.#abort.signal)
      .finally(() => {
        this.#endingTrack = false;
      });
    if (why === 'rendition removed') await this.#playWhatIsLeft();
    else this.#end(error);
  }

  async #playWhatIsLeft(): Promise<void> {
    const picker = this.#renditions;
    if (picker.choice !== 'auto' && !picker.byLabel(picker.choice)) picker.choose('auto');
    this.#playback?.close();
    this.#playback = undefined;
    const feed = this.#renditions.startFeed(this.#stageSize.showablePx);
    if (!feed) return this.#end(undefined);
    await this.#play(feed).catch((error: unknown) => this.#failUnlessEnded(error));
  }

  /** A subscription that failed because the broadcast was ending is its end, not an error. */
  async #failUnlessEnded(error: unknown): Promise<void> {
    const changes = this.#catalogChanges;
    if (await changes.endedWithin(TRACK_END_CATALOG_WAIT_MS, this.#abort.signal)) {
      this.#end(undefined);
    } else this.#fail(error);
  }

  #end(error: Error | undefined): void {
    if (this.#state === 'ended' || this.#state === 'error' || this.#abort.signal.aborted) return;
    if (this.#lostConnection(error)) return;
    this.#state = 'ended';
    this.#reasonCode = undefined;
    this.#reason = error ? error.message : 'the publisher ended the broadcast';
    this.#refreshUi();
  }

  #fail(error: unknown): void {
    if (this.#state === 'ended' || this.#state === 'error' || this.#abort.signal.aborted) return;
    if (!(error instanceof PlayerError) && this.#lostConnection(error)) return;
    this.#state = 'error';
    this.#reasonCode = error instanceof PlayerError ? error.code : undefined;
    this.#reason = error instanceof Error ? error.message : String(error);
    this.#refreshUi();
  }

  /** The relay's session closed, not the broadcast: the typed error a page retries on. */
  #lostConnection(error: unknown): boolean {
    if (!this.#session?.isClosed) return false;
    const why = error instanceof Error ? error.message : 'the session closed';
    const lost = `the connection to the relay was lost: ${why}`;
    this.#fail(new PlayerError('CONNECTION_LOST', lost, { cause: error }));
    return true;
  }

  #refreshUi(): void {
    if (this.#abort.signal.aborted) return;
    for (const listener of this.#listeners) listener();
  }
}

/** MSE playback is loaded only when asked for: the page's first script stays small. */
async function bufferedPlayback(ctx: PlaybackContext): Promise<Playback> {
  const { BufferedPlayback } = await import('./buffered-playback.js');
  return new BufferedPlayback(ctx);
}
