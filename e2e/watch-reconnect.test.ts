/**
 * The watch page when its relay goes away and comes back: headless Chromium plays a test
 * pattern from the relay's /watch page; the relay closes (an operator's restart) and a new one
 * starts on the same port with a certificate of its own. The page's player reports the lost
 * connection (CONNECTION_LOST), and a new player takes over and plays, without a reload.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { until } from '../src/async/index.js';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import { Relay } from '../src/relay/index.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { playerStats, untilPlaying } from './player-stats.js';
import { publishTestPattern } from './watch-publisher.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/reconnect';

interface PageView {
  reconnects: number;
  first?: PlayerStats;
}

describe('the watch page across a relay restart', { skip, timeout: 240_000 }, () => {
  test('reports the lost connection, then a new player plays from the new relay', async () => {
    let relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    const port = relay.port;
    let broadcast = await publishTestPattern(relay, NAME, '360p');
    const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/watch/${NAME}`);
      await untilPlaying(page, 'the first player playing');
      await page.evaluate(() => {
        const w = window as unknown as { moqPlayer: unknown; firstPlayer: unknown };
        w.firstPlayer = w.moqPlayer;
      });

      await relay.close();
      await broadcast.close();
      relay = await Relay.start({ port, host: '127.0.0.1' });
      broadcast = await publishTestPattern(relay, NAME, '360p');

      const view = (): Promise<PageView> =>
        page.evaluate(() => {
          const w = window as unknown as {
            moqPlayerView: { reconnects: number };
            firstPlayer: { stats(): PlayerStats };
          };
          return { reconnects: w.moqPlayerView.reconnects, first: w.firstPlayer.stats() };
        });
      let last: { view: PageView; stats: PlayerStats | undefined } | undefined;
      await until(
        'a new player playing from the new relay',
        async () => {
          last = { view: await view(), stats: await playerStats(page) };
          const playing = last.stats?.state === 'playing' && last.stats.framesRendered >= 30;
          return last.view.reconnects >= 1 && playing;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; last ${JSON.stringify(last)}`);
      });
      console.log(
        `reconnects ${last?.view.reconnects}; the first player: ${last?.view.first?.reason}; ` +
          `the new one: ${last?.stats?.framesRendered} frames, transport ${last?.stats?.transport}`,
      );
      assert.equal(last?.view.first?.state, 'error');
      assert.equal(last?.view.first?.reasonCode, 'CONNECTION_LOST');
      assert.equal(last?.stats?.transport, 'webtransport', 'the new certificate was fetched');
    } finally {
      await browser.close();
      await broadcast.close();
      await relay.close();
    }
  });
});
