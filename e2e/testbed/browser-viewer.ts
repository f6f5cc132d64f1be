// A viewer as users run one: headless Chromium on the relay's watch page, started inside a
// network namespace (its link shapes what reaches it) and, optionally, under a CPU quota (a
// slow device). Playwright drives it through a wrapper script that enters both, then execs
// Chromium, so every Chromium process is inside.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PlayerStats } from '../../src/media/player-browser/index.js';
import { CHROMIUM_PATH, launchChromium } from '../chromium.js';
import type { CpuQuota } from '../../src/studio/cpu-quota-test-kit.js';
import type { NetnsLink } from './netns-link.js';

export interface BrowserViewerOptions {
  /** The watch page, e.g. `http://10.64.0.1:4443/watch/show?abr=relay`. */
  url: string;
  link?: NetnsLink;
  /** Held to a CPU quota (a slow device). */
  cpu?: CpuQuota;
  viewport?: { width: number; height: number };
}

export class BrowserViewer {
  readonly #browser: Browser;
  readonly #page: Page;
  readonly #dir: string;

  private constructor(browser: Browser, page: Page, dir: string) {
    this.#browser = browser;
    this.#page = page;
    this.#dir = dir;
  }

  static async open(options: BrowserViewerOptions): Promise<BrowserViewer> {
    const dir = await mkdtemp(join(tmpdir(), 'moq-viewer-'));
    const wrapper = join(dir, 'chromium');
    const lines = ['#!/bin/sh'];
    if (options.cpu) lines.push(`echo $$ > '${options.cpu.procsFile}'`);
    const netns = options.link ? `ip netns exec '${options.link.namespace}' ` : '';
    lines.push(`exec ${netns}'${CHROMIUM_PATH}' "$@"`);
    await writeFile(wrapper, `${lines.join('\n')}\n`);
    await chmod(wrapper, 0o755);
    const origin = new URL(options.url).origin;
    let browser: Browser | undefined;
    try {
      browser = await launchChromium(
        [
          // WebTransport needs a secure context; the relay's address on the link is plain http.
          `--unsafely-treat-insecure-origin-as-secure=${origin}`,
          '--autoplay-policy=no-user-gesture-required',
        ],
        wrapper,
      );
      const page = await browser.newPage({
        viewport: options.viewport ?? { width: 1280, height: 720 },
      });
      await page.goto(options.url);
      return new BrowserViewer(browser, page, dir);
    } catch (error) {
      await browser?.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  stats(): Promise<PlayerStats> {
    return this.#page.evaluate(() => {
      const player = (window as unknown as { moqPlayer?: { stats(): PlayerStats } }).moqPlayer;
      if (!player) throw new Error('no window.moqPlayer on the page');
      return player.stats();
    });
  }

  resetStats(): Promise<void> {
    return this.#page.evaluate(() => {
      (window as unknown as { moqPlayer?: { resetStats(): void } }).moqPlayer?.resetStats();
    });
  }

  async close(): Promise<void> {
    await this.#browser.close().catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }
}
