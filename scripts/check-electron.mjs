#!/usr/bin/env node
// Runs before `npm run dev` / `npm start`: Electron's npm package downloads its binary at install
// time, and without it electron-vite dies with a bare "Electron uninstall". Say what to do instead.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { problem: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { problem: "Electron's binary was not downloaded", dir };
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { problem: `Electron's binary is missing (${binary})`, dir };
  return {};
}

const { problem, dir } = electronBinary();
if (problem) {
  const fetch = dir ? `  - fetch it (needs internet): node ${join(dir, 'install.js')}\n` : '';
  console.error(
    `moq-studio: ${problem}, so the desktop app cannot start.\n` +
      `${fetch}` +
      `  - reinstall without ELECTRON_SKIP_BINARY_DOWNLOAD set: npm install\n` +
      `  - or run the studio without Electron, in a browser: npm run build && npx moq-studio serve`,
  );
  process.exit(1);
}
