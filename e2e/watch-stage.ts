/**
 * What the watch-page tests stand on: a relay on loopback, a 360p test-pattern broadcast in it
 * (the real encoder), and headless Chromium allowed to autoplay.
 */
import type { Browser } from 'playwright-core';
import { Relay, type RelayOptions } from '../src/relay/index.js';
import { launchChromium } from './chromium.js';
import { publishTestPattern, type TestBroadcast } from './watch-publisher.js';

export interface WatchStage {
  relay: Relay;
  broadcast: TestBroadcast;
  browser: Browser;
  /** `http://127.0.0.1:PORT`, the relay's pages. */
  base: string;
  close(): Promise<void>;
}

export async function startWatchStage(
  name: string,
  options: Pick<RelayOptions, 'earlySubscribe'> = {},
): Promise<WatchStage> {
  const relay = await Relay.start({ port: 0, host: '127.0.0.1', ...options });
  const broadcast = await publishTestPattern(relay, name, '360p');
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  return {
    relay,
    broadcast,
    browser,
    base: `http://127.0.0.1:${relay.port}`,
    close: async () => {
      await browser.close();
      await broadcast.close();
      await relay.close();
    },
  };
}
