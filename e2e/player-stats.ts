/** The watch page's `window.moqPlayer.stats()`, read from a test, and a wait on it. */
import type { Page } from 'playwright-core';
import { until } from '../src/async/index.js';
import type { PlayerStats } from '../src/media/player-browser/index.js';

export function playerStats(page: Page): Promise<PlayerStats | undefined> {
  return page.evaluate(() => {
    const player = (window as unknown as { moqPlayer?: { stats(): PlayerStats } }).moqPlayer;
    return player?.stats();
  });
}

/**
 * Waits until the player has rendered 30 frames and `ready` holds; a player error fails at once,
 * and a timeout names the last stats seen.
 */
export async function untilPlaying(
  page: Page,
  what: string,
  ready: (stats: PlayerStats) => boolean = () => true,
): Promise<PlayerStats> {
  let last: PlayerStats | undefined;
  const probe = async (): Promise<PlayerStats | undefined> => {
    last = await playerStats(page);
    if (last?.state === 'error') throw new Error(`player error: ${last.reason}`);
    return last && last.framesRendered >= 30 && ready(last) ? last : undefined;
  };
  return until(what, probe, { timeoutMs: 60_000, intervalMs: 200 }).catch((error: unknown) => {
    throw new Error(`${String(error)}; last stats ${JSON.stringify(last)}`);
  });
}
