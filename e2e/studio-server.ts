// The headless studio (`moq-studio serve`) as a real process, and the Chromium pages that drive
// it: the studio page, and viewers on the relay's watch page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import { Cli, type Listening } from './cli-process.js';
import { until as waitUntil } from '../src/async/index.js';

/** Chromium with a fake camera + mic that needs no permission prompt, and sound without a click. */
export const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface StudioServer {
  cli: Cli;
  /** The page to open, token included. */
  url: string;
  close: () => Promise<void>;
}

/** Starts `moq-studio serve` on a free loopback port with its own settings folder. */
export async function startStudio(env?: NodeJS.ProcessEnv): Promise<StudioServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'moq-studio-e2e-'));
  const cli = new Cli(
    'moq-studio',
    ['serve', '--bind', '127.0.0.1:0', '--relay-port', '0', '--data-dir', dataDir],
    env ? { env } : {},
  );
  const line = await cli.waitForLine(
    'stdout',
    (l) => l.includes('moq-studio serve: open '),
    30_000,
  );
  const url = line.slice(line.indexOf('http'));
  return {
    cli,
    url,
    close: async () => {
      cli.child.kill('SIGTERM');
      await cli.exit(20_000).catch(() => cli.child.kill('SIGKILL'));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A moq-relay process on `port` (0 = any), for the remote-relay cases. */
export async function startRelayOn(port: number): Promise<{ relay: Cli; listening: Listening }> {
  const relay = new Cli('moq-relay', ['--bind', `127.0.0.1:${port}`]);
  const line = await relay.waitForLine('stdout', (l) => l.includes('"relay listening"'));
  return { relay, listening: JSON.parse(line) as Listening };
}

/** The player of a watch page (the relay's, or the studio's #watch view). */
export function playerStats(page: Page): Promise<PlayerStats> {
  return page.evaluate(() => {
    const player = (window as unknown as { moqPlayer?: { stats(): PlayerStats } }).moqPlayer;
    if (!player) throw new Error('no window.moqPlayer yet');
    return player.stats();
  });
}

/** Polls `probe` until it returns something, failing after `ms` with the last thing it saw. */
export function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms: number,
  intervalMs = 250,
): Promise<T> {
  return waitUntil(what, probe, { timeoutMs: ms, intervalMs });
}
