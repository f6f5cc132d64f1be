#!/usr/bin/env node
/* global URL */
// Compiles the Node side (CLIs, relay, transport, studio engine and what they import) from
// src/ to lib/ as plain JavaScript, one file per source file, so an installed package runs
// without tsx. lib/ sits at the same depth as src/, so paths a module finds relative to its own
// file (package.json, out/renderer, out/player) hold in both.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src');
const outdir = join(root, 'lib');
// Electron-only and browser-only folders are built by electron-vite and build-player.ts.
const SKIP_DIRS = new Set(['main', 'preload', 'renderer', 'watch-browser']);

function sources(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (dir === src && SKIP_DIRS.has(name)) continue;
      found.push(...sources(path));
    } else if (
      /\.ts$/.test(name) &&
      !/(\.test|\.fixture|test-kit)\.ts$/.test(name) &&
      !name.endsWith('.d.ts')
    ) {
      found.push(path);
    }
  }
  return found;
}

rmSync(outdir, { recursive: true, force: true });
const entryPoints = sources(src);
await build({
  entryPoints,
  outdir,
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(`lib/: ${entryPoints.length} modules from ${relative(root, src)}/`);
