import type { AbrSide, PlayerMode, PlayerStats } from '../media/player-browser/index.js';
import { el, type Style } from './dom-element.js';

export interface PlayerUiActions {
  /** A rendition label picked by hand. */
  onRendition: (choice: string) => void;
  /** Auto, run by the relay or by the player. */
  onAuto: (side: AbrSide) => void;
  onMode: (mode: PlayerMode) => void;
  onMuteToggle: () => void;
}

const BAR: Style = {
  display: 'flex',
  flexWrap: 'wrap',
  gap: '12px',
  alignItems: 'center',
  padding: '6px 8px',
  font: '13px system-ui, sans-serif',
  color: '#eee',
  background: '#111',
};

/**
 * The player's controls in plain DOM: the stage (canvas or video goes in), a LIVE badge, the
 * latency readout, a line of figures, the quality menu, the mode toggle and the mute button.
 * All text is set through textContent, so nothing from the network becomes markup.
 */
export class PlayerUi {
  readonly root: HTMLElement;
  readonly stage: HTMLElement;
  readonly #live: HTMLElement;
  readonly #latency: HTMLElement;
  readonly #info: HTMLElement;
  readonly #message: HTMLElement;
  readonly #quality: HTMLSelectElement;
  readonly #mode: HTMLButtonElement;
  readonly #mute: HTMLButtonElement;
  #renditionKey = '';

  constructor(container: HTMLElement, actions: PlayerUiActions) {
    this.root = el('div', 'moq-player', { background: '#000', color: '#eee' });
    this.stage = el('div', 'moq-stage', { position: 'relative', aspectRatio: '16 / 9' });
    this.#live = el('span', 'moq-live', {
      position: 'absolute',
      top: '8px',
      right: '8px',
      padding: '2px 8px',
      borderRadius: '4px',
      background: '#555',
      font: 'bold 12px system-ui, sans-serif',
    });
    this.#live.textContent = 'LIVE';
    this.#message = el('div', 'moq-message', {
      position: 'absolute',
      inset: '0',
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      font: '18px system-ui, sans-serif',
      textShadow: '0 0 4px #000',
      pointerEvents: 'none',
    });
    this.stage.append(this.#live, this.#message);

    const bar = el('div', 'moq-bar', BAR);
    this.#latency = el('span', 'moq-latency', { fontWeight: 'bold' });
    this.#info = el('span', 'moq-info', { flex: '1' });
    this.#quality = el('select', 'moq-quality');
    this.#quality.setAttribute('aria-label', 'Quality');
    this.#quality.addEventListener('change', () => {
      const value = this.#quality.value;
      if (value === AUTO_RELAY) actions.onAuto('relay');
      else if (value === AUTO_PLAYER) actions.onAuto('player');
      else actions.onRendition(value);
    });
    this.#mode = el('button', 'moq-mode');
    this.#mode.type = 'button';
    this.#mode.addEventListener('click', () =>
      actions.onMode(this.#mode.dataset.mode === 'realtime' ? 'buffered' : 'realtime'),
    );
    this.#mute = el('button', 'moq-mute');
    this.#mute.type = 'button';
    this.#mute.addEventListener('click', () => actions.onMuteToggle());
    bar.append(this.#latency, this.#info, this.#quality, this.#mode, this.#mute);
    this.root.append(this.stage, bar);
    container.append(this.root);
  }

  update(stats: PlayerStats, muted: boolean): void {
    const live = stats.state === 'playing';
    this.#live.style.background = live ? '#d00' : '#555';
    this.#latency.textContent =
      stats.latencyMs === undefined ? 'latency –' : `latency ${Math.round(stats.latencyMs)} ms`;
    this.#info.textContent = [
      renditionText(stats),
      formatBitrate(stats.bitrateBps),
      `dropped ${stats.framesDropped}`,
      `buffer ${Math.round(stats.bufferMs)} ms`,
      stats.transport ?? '',
    ]
      .filter(Boolean)
      .join(' · ');
    this.#mode.dataset.mode = stats.mode;
    this.#mode.textContent = stats.mode === 'realtime' ? 'Real-time' : 'Buffered';
    this.#mode.title = 'Switch between real-time (WebCodecs) and buffered (MSE) playback';
    this.#mute.textContent = muted ? 'Unmute' : 'Mute';
    this.#updateRenditions(stats);
    this.#message.textContent = messageFor(stats);
  }

  destroy(): void {
    this.root.remove();
  }

  #updateRenditions(stats: PlayerStats): void {
    const { renditions } = stats;
    const choice = stats.renditionChoice === 'auto' ? autoValue(stats.abr) : stats.renditionChoice;
    const key = JSON.stringify([renditions.map((r) => [r.name, r.bitrate]), choice]);
    if (key === this.#renditionKey) return;
    this.#renditionKey = key;
    const relay = new Option('Auto (relay)', AUTO_RELAY);
    relay.title = 'The relay picks a rendition per group from your connection';
    const player = new Option('Auto (player)', AUTO_PLAYER);
    player.title = 'This player picks from its buffer, drops and measured throughput';
    const options = [relay, player];
    for (const r of renditions) {
      const label = r.bitrate ? `${r.label} · ${formatBitrate(r.bitrate)}` : r.label;
      options.push(new Option(label, r.label));
    }
    this.#quality.replaceChildren(...options);
    this.#quality.value = choice;
  }
}

const AUTO_RELAY = 'auto:relay';
const AUTO_PLAYER = 'auto:player';

function autoValue(side: AbrSide): string {
  return side === 'relay' ? AUTO_RELAY : AUTO_PLAYER;
}

/** The rendition on screen and who chose it, e.g. "720p (relay)"; a device limit is named. */
function renditionText(stats: PlayerStats): string {
  if (!stats.rendition) return '–';
  const by = stats.chosenBy === 'viewer' || !stats.chosenBy ? '' : ` (${stats.chosenBy})`;
  const limit = stats.decodeLimit ? `, device ≤ ${stats.decodeLimit}` : '';
  return `${stats.rendition}${by}${limit}`;
}

function messageFor(stats: PlayerStats): string {
  switch (stats.state) {
    case 'connecting':
      return stats.reason ? `${capitalize(stats.reason)}…` : 'Connecting…';
    case 'buffering':
      return stats.framesRendered === 0 ? 'Starting…' : 'Buffering…';
    case 'ended':
      return `Broadcast ended: ${stats.reason ?? 'the publisher stopped'}`;
    case 'error':
      return `Playback failed: ${stats.reason ?? 'unknown error'}`;
    default:
      return '';
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} Mbps`;
  return `${Math.round(bps / 1000)} kbps`;
}
