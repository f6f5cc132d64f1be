/**
 * The go-live flow in the real Electron shell (Playwright's `_electron`): the studio window
 * opens, the test pattern goes live on the built-in relay, the checklist reaches LIVE, and Stop
 * returns to idle. Runs only where Electron's binary is installed (with xvfb on Linux); anywhere
 * else it reports itself skipped with the reason — never as passed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { ROOT } from './cli-process.js';

/**
 * The binary `npm install` downloads, if it did: node_modules/electron/path.txt names it under
 * dist/. Read directly — requiring the package would try to download it on the spot.
 */
function electronBinary(): string | undefined {
  const packageDir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const built = existsSync(join(ROOT, 'out', 'main', 'index.js'));
const skip = !binary
  ? 'Electron binary not installed (node_modules/electron/dist is missing; npm install downloads it where GitHub is reachable)'
  : !built
    ? 'the app is not built (run npm run build first)'
    : process.platform === 'linux' && !process.env.DISPLAY
      ? 'no X display (run under xvfb-run on Linux)'
      : false;

describe('Electron shell: go live from the studio window', { skip }, () => {
  let app: ElectronApplication;
  let window: Page;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'moq-studio-electron-'));
    app = await _electron.launch({
      executablePath: binary,
      args: [ROOT, `--user-data-dir=${dataDir}`],
    });
    window = await app.firstWindow();
    await window.waitForSelector('[data-testid="state"][data-state="idle"]', { timeout: 30_000 });
  });

  after(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the preload exposes StudioApi and nothing else', async () => {
    const keys = await window.evaluate(() =>
      Object.keys((window as unknown as { studio: object }).studio).sort(),
    );
    assert.ok(keys.includes('goLive') && keys.includes('on'));
    assert.equal(
      await window.evaluate(() => typeof (window as { require?: unknown }).require),
      'undefined',
    );
  });

  test('test pattern: Go live reaches LIVE, Stop returns to idle', async () => {
    await window.getByTestId('source-test-pattern').click();
    const ladder = window.getByTestId('ladder');
    await ladder.fill('360p');
    await ladder.press('Enter');
    await window.getByTestId('go-live').click();
    await window.waitForSelector('[data-testid="state"][data-state="live"]', { timeout: 60_000 });
    assert.match(await window.getByTestId('share-url').inputValue(), /\/watch\//);
    await window.getByTestId('stop').click();
    await window.waitForSelector('[data-testid="state"][data-state="idle"]', { timeout: 20_000 });
  });
});
