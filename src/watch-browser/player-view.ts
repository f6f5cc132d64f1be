import {
  Player,
  type PlayerErrorCode,
  type PlayerOptions,
  type PlayerStats,
} from '../media/player-browser/index.js';
import { PlayerUi } from './player-ui.js';

const UI_INTERVAL_MS = 250;
/** The first new attempt after the relay's session was lost; each failed one doubles it. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 8000;
/** After a loss, what a new attempt may fail with and still be tried again (the relay restarting). */
const RETRIED: ReadonlySet<PlayerErrorCode> = new Set([
  'CONNECTION_LOST',
  'CONNECT_FAILED',
  'NOT_LIVE',
  'NO_CATALOG',
]);

type ViewOptions = Omit<PlayerOptions, 'stage'>;

/**
 * A player with the watch page's controls around it: the library's `Player` renders into the
 * controls' stage, and the controls follow its stats. The relay's watch page and the studio's
 * watch window both use this. When the relay's session is lost (a relay or worker restarting, a
 * network change), a new player takes over after a second, then after longer waits while the
 * relay is not back; the viewer's rendition, Auto side and mode carry over.
 */
export class PlayerView {
  #player: Player;
  readonly #ui: PlayerUi;
  readonly #options: ViewOptions;
  readonly #timer: ReturnType<typeof setInterval>;
  #unsubscribe: () => void = () => undefined;
  /** Set from a lost connection until a player plays again. */
  #reconnecting = false;
  #retryMs = RECONNECT_FIRST_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #onPlayer: ((player: Player) => void) | undefined;
  /** New players started after a lost connection. */
  reconnects = 0;

  constructor(container: HTMLElement, options: ViewOptions) {
    this.#options = options;
    // The controls act on the player only after both exist (a click cannot come sooner).
    this.#ui = new PlayerUi(container, {
      onRendition: (choice) => this.#player.setRendition(choice),
      onAuto: (side) => this.#player.setAbr(side),
      onMode: (mode) => void this.#player.setMode(mode),
      onMuteToggle: () => void this.#player.toggleMute(),
    });
    this.#player = this.#start(options);
    this.#timer = setInterval(() => this.#refresh(), UI_INTERVAL_MS);
  }

  /** The player playing now (another one after a reconnection). */
  get player(): Player {
    return this.#player;
  }

  /** Told of each new player that takes over after a lost connection. */
  onPlayer(listener: (player: Player) => void): void {
    this.#onPlayer = listener;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retryTimer);
    this.#unsubscribe();
    this.#player.close();
    this.#ui.destroy();
  }

  #start(options: ViewOptions): Player {
    const player = new Player({ ...options, stage: this.#ui.stage });
    this.#unsubscribe = player.onChange(() => this.#refresh());
    return player;
  }

  #refresh(): void {
    const stats = this.#player.stats();
    this.#ui.update(stats, this.#player.muted);
    if (stats.state === 'playing') {
      this.#reconnecting = false;
      this.#retryMs = RECONNECT_FIRST_MS;
    }
    if (this.#shouldRetry(stats)) this.#scheduleRetry(stats);
  }

  #shouldRetry(stats: PlayerStats): boolean {
    if (this.#closed || this.#retryTimer || stats.state !== 'error') return false;
    if (stats.reasonCode === 'CONNECTION_LOST') return true;
    return this.#reconnecting && stats.reasonCode !== undefined && RETRIED.has(stats.reasonCode);
  }

  #scheduleRetry(lost: PlayerStats): void {
    this.#reconnecting = true;
    const delayMs = this.#retryMs;
    this.#retryMs = Math.min(RECONNECT_MAX_MS, 2 * delayMs);
    this.#retryTimer = setTimeout(() => this.#reconnect(lost), delayMs);
  }

  /**
   * A new player, with what the viewer chose. The page's certificate hash and catalog are left
   * out: a restarted relay may have a new certificate, and the broadcast a new catalog.
   */
  #reconnect(lost: PlayerStats): void {
    this.#retryTimer = undefined;
    if (this.#closed) return;
    this.#unsubscribe();
    this.#player.close();
    const fresh: ViewOptions = { ...this.#options };
    delete fresh.certificateSha256;
    delete fresh.catalogJson;
    this.#player = this.#start({
      ...fresh,
      rendition: lost.renditionChoice,
      abr: lost.abr,
      mode: lost.mode,
    });
    this.reconnects++;
    this.#onPlayer?.(this.#player);
  }
}
