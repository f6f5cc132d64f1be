export { serveWatch, nameFromPath, contentSecurityPolicy } from './watch-routes.js';
export { PlayerBundle, PlayerBundleError, BUILT_BUNDLE, PLAYER_ENTRY } from './player-bundle.js';
export { escapeHtml, watchPath } from './watch-html.js';
