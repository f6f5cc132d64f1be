#!/usr/bin/env node
/* global URL */
// Builds the optional UDP batching addon (native/udp-batch: sendmmsg + UDP GSO, Linux only).
// Never fails the install: without the addon the relay sends one datagram per socket.send.
// Uses this Node's own headers (<prefix>/include/node) when present, so node-gyp needs no
// download; MOQ_UDP_BATCH=0 at run time ignores a built addon.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native/udp-batch/', import.meta.url));
if (process.platform !== 'linux') {
  console.log('udp-batch addon: Linux only; the JavaScript send path will be used');
  process.exit(0);
}
const prefix = dirname(dirname(process.execPath));
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h'))
  ? [`--nodedir=${prefix}`]
  : [];
const gyp = fileURLToPath(new URL('../node_modules/node-gyp/bin/node-gyp.js', import.meta.url));
const args = existsSync(gyp) ? [gyp, 'rebuild', ...nodedir] : null;
const result = args
  ? spawnSync(process.execPath, args, {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    })
  : spawnSync('npx', ['--no-install', 'node-gyp', 'rebuild', ...nodedir], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
if (result.status === 0) {
  console.log('udp-batch addon: built (batched UDP sends on)');
} else {
  const why = (result.stderr ?? String(result.error ?? ''))
    .trim()
    .split('\n')
    .slice(-3)
    .join(' | ');
  console.log(`udp-batch addon: not built, the JavaScript send path will be used (${why})`);
}
process.exit(0);
