/**
 * The entry of the relay's watch page (bundled to /player/watch.js): plays the broadcast named
 * by the page's path (`/watch/NAME`) from the relay that served the page, with the broadcast's
 * chat beside it, and exposes them as `window.moqPlayer` and `window.moqChat` for tests and
 * benchmarks. Query options: `mode=buffered`, `rendition=360p`, `abr=relay|player` (who runs
 * Auto), `transport=websocket`, `draft=14|16|18` (speak only that MoQ Transport draft).
 */
import type { MoqDraft, Player, PlayerMode } from '../media/player-browser/index.js';
import { PlayerView } from './player-view.js';
import type { WatchChat } from './watch-chat.js';

declare global {
  interface Window {
    moqPlayer?: Player;
    /** The player with its controls; `reconnects` counts the players after lost connections. */
    moqPlayerView?: PlayerView;
    moqChat?: WatchChat;
  }
}

const WATCH_PREFIX = '/watch/';

function broadcastName(): string {
  const path = location.pathname;
  if (!path.startsWith(WATCH_PREFIX)) return '';
  return path
    .slice(WATCH_PREFIX.length)
    .split('/')
    .map((part) => decodeURIComponent(part))
    .join('/');
}

/** What the relay put in the page for the player (src/relay/watch/watch-start.ts). */
function pageStart(): { certificateSha256?: string; catalogJson?: string } {
  const hash = document.querySelector<HTMLMetaElement>('meta[name="moq-certificate-sha256"]');
  const catalog = document.getElementById('moq-catalog');
  return {
    ...(hash?.content ? { certificateSha256: hash.content } : {}),
    ...(catalog?.textContent ? { catalogJson: catalog.textContent } : {}),
  };
}

/** The chat is its own chunk, loaded after the player started: it is not on the join's path. */
async function startChat(container: HTMLElement, transport: string | null): Promise<void> {
  const { WatchChat } = await import('./watch-chat.js');
  const { certificateSha256 } = pageStart();
  window.moqChat = new WatchChat({
    ...(certificateSha256 === undefined ? {} : { certificateSha256 }),
    url: `${location.origin}/`,
    name: broadcastName(),
    container,
    transport: transport === 'websocket' || transport === 'webtransport' ? transport : 'auto',
  });
}

/** `?draft=16` pins the MoQ Transport draft; anything else offers them all. */
function draftOf(value: string | null): { draft?: MoqDraft } {
  const draft = Number(value);
  return draft === 14 || draft === 16 || draft === 18 ? { draft } : {};
}

function start(): void {
  const container = document.getElementById('player');
  if (!container) return;
  const query = new URLSearchParams(location.search);
  const mode: PlayerMode = query.get('mode') === 'buffered' ? 'buffered' : 'realtime';
  const transport = query.get('transport');
  const view = new PlayerView(container, {
    url: `${location.origin}/`,
    name: broadcastName(),
    mode,
    rendition: query.get('rendition') ?? 'auto',
    abr: query.get('abr') === 'player' ? 'player' : 'relay',
    transport: transport === 'websocket' || transport === 'webtransport' ? transport : 'auto',
    ...draftOf(query.get('draft')),
    ...pageStart(),
  });
  // The player playing now: another one takes over after a lost connection.
  Object.defineProperty(window, 'moqPlayer', { configurable: true, get: () => view.player });
  window.moqPlayerView = view;
  const chat = document.getElementById('chat');
  if (chat) {
    afterJoin(view.player)
      .then(() => startChat(chat, transport))
      .catch((error: unknown) => {
        chat.textContent = `Chat unavailable: ${error instanceof Error ? error.message : String(error)}`;
      });
  }
}

/** How long the chat waits for the player's first frame before it connects anyway. */
const CHAT_DEFER_MAX_MS = 2_000;

/**
 * The chat's session and script would compete with the player's join for the CPU and the relay
 * (on a small machine the join took hundreds of ms longer beside them): the chat starts once the
 * first frame is on screen, or the player is not joining (no broadcast yet, an error), or after
 * CHAT_DEFER_MAX_MS.
 */
function afterJoin(player: Player): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const check = (): void => {
      const s = player.stats();
      const joined = s.join !== undefined || s.reasonCode !== undefined || s.state === 'error';
      if (joined || performance.now() - started >= CHAT_DEFER_MAX_MS) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
}

start();
