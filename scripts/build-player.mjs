#!/usr/bin/env node
/* global URL */
// Bundles the browser player (the relay's watch page script) to out/player/watch.js. The relay
// serves that file; without it, it bundles the same entry with the same options on demand
// (src/relay/watch/player-bundle.ts) — keep the two in step.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const entry = fileURLToPath(new URL('src/media/player-browser/watch-page.ts', root));
const outfile = fileURLToPath(new URL('out/player/watch.js', root));

await build({
  entryPoints: [entry],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  sourcemap: 'linked',
  outfile,
  logLevel: 'info',
});
