// The watch app, browser-only: the relay's watch page (entry: watch-page.ts) and the controls
// the studio's watch window shares with it. An app on the player library
// (src/media/player-browser), which has no controls of its own.
export { PlayerView } from './player-view.js';
