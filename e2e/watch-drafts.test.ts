/**
 * The watch page pinned to each MoQ Transport draft (`?draft=N`): the player negotiates that
 * draft with our relay and plays, over native WebTransport and over QMux. Real relay, real
 * encoder, real Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumAvailable } from './chromium.js';
import { untilPlaying } from './player-stats.js';
import { startWatchStage, type WatchStage } from './watch-stage.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/drafts';

describe('watch page pinned to a MoQ Transport draft', { skip }, () => {
  let stage: WatchStage;
  let browser: Browser;
  let base: string;

  before(async () => {
    stage = await startWatchStage(NAME);
    ({ browser, base } = stage);
  });

  after(() => stage?.close());

  const cases = [
    { draft: 16, transport: 'webtransport' },
    { draft: 18, transport: 'webtransport' },
    { draft: 18, transport: 'websocket' },
  ] as const;
  for (const { draft, transport } of cases) {
    test(`draft-${draft} over ${transport}: negotiated and playing`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`${base}/watch/${NAME}?draft=${draft}&transport=${transport}`);
        const s = await untilPlaying(page, '30 frames rendered');
        assert.equal(s.draft, draft);
        assert.equal(s.transport, transport);
      } finally {
        await page.close();
      }
    });
  }

  test('no draft asked for: the player offers them all and the relay keeps it on draft-14', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/watch/${NAME}?draft=15`);
      const s = await untilPlaying(page, '30 frames rendered');
      assert.equal(s.draft, 14);
    } finally {
      await page.close();
    }
  });
});
