import { Player, type PlayerOptions } from '../media/player-browser/index.js';
import { PlayerUi } from './player-ui.js';

const UI_INTERVAL_MS = 250;

/**
 * A player with the watch page's controls around it: the library's `Player` renders into the
 * controls' stage, and the controls follow its stats. The relay's watch page and the studio's
 * watch window both use this.
 */
export class PlayerView {
  readonly player: Player;
  readonly #ui: PlayerUi;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #unsubscribe: () => void;

  constructor(container: HTMLElement, options: Omit<PlayerOptions, 'stage'>) {
    // The controls act on the player only after both exist (a click cannot come sooner).
    this.#ui = new PlayerUi(container, {
      onRendition: (choice) => this.player.setRendition(choice),
      onAuto: (side) => this.player.setAbr(side),
      onMode: (mode) => void this.player.setMode(mode),
      onMuteToggle: () => void this.player.toggleMute(),
    });
    this.player = new Player({ ...options, stage: this.#ui.stage });
    const refresh = (): void => this.#ui.update(this.player.stats(), this.player.muted);
    this.#unsubscribe = this.player.onChange(refresh);
    this.#timer = setInterval(refresh, UI_INTERVAL_MS);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.player.close();
    this.#ui.destroy();
  }
}
