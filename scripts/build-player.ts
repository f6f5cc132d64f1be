// Bundles the watch page (the relay serves it at /player/watch.js) with the same options the
// relay's development fallback uses: there is one bundling path, in src/relay/watch.
import { buildPlayerBundle } from '../src/relay/watch/player-bundle.js';

await buildPlayerBundle();
