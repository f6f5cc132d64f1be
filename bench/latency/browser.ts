import type { Browser } from 'playwright-core';
import { launchChromium } from '../../e2e/chromium.js';

/** The e2e launch, plus what a watching viewer needs: autoplay without a click, no throttling. */
export async function launchBenchChromium(): Promise<Browser> {
  return launchChromium([
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
  ]);
}
