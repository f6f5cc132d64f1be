#!/usr/bin/env node
// Runs after `npm install`: says which ffmpeg the encoder will use, so a failed ffmpeg-static
// download (it fetches its binary from the internet) is noticed now, not at Go live.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function runs(path) {
  try {
    execFileSync(path, ['-version'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function bundled() {
  try {
    const path = require('ffmpeg-static');
    if (typeof path !== 'string') return undefined;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

if (bundled()) process.exit(0);
const fromEnv = process.env.FFMPEG_PATH;
const fallback =
  fromEnv && runs(fromEnv)
    ? `FFMPEG_PATH (${fromEnv})`
    : runs('ffmpeg')
      ? 'ffmpeg on PATH'
      : undefined;
const head =
  'moq-studio: the bundled ffmpeg (ffmpeg-static) is not installed — its download failed or was skipped.';
if (fallback) {
  console.warn(`${head}\nmoq-studio: the encoder will use ${fallback} instead.`);
} else {
  console.warn(
    `${head}\nmoq-studio: no other ffmpeg found either: install one (e.g. 'apt-get install ffmpeg', ` +
      `'brew install ffmpeg') or set FFMPEG_PATH; until then Go live and moq-pub stop with FFMPEG_NOT_FOUND.`,
  );
}
