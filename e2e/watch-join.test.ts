/**
 * The watch page's join path (issue 14): the page carries the relay's certificate hash and the
 * broadcast's catalog, so the player fetches neither; it reports its join step by step; the chat
 * and the MSE path are chunks loaded after the player started. Real relay, real encoder, real
 * Chromium over WebTransport.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Relay } from '../src/relay/index.js';
import { chromiumAvailable } from './chromium.js';
import { untilPlaying } from './player-stats.js';
import { startWatchStage, type WatchStage } from './watch-stage.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/join';

describe('watch page join: start data in the page, join breakdown, lazy chunks', { skip }, () => {
  let stage: WatchStage;
  let relay: Relay;
  let browser: Browser;
  let base: string;

  before(async () => {
    stage = await startWatchStage(NAME);
    ({ relay, browser, base } = stage);
  });

  after(() => stage?.close());

  test('the page carries the certificate hash and the catalog the relay holds', async () => {
    const html = await (await fetch(`${base}/watch/${NAME}`)).text();
    const hash = /<meta name="moq-certificate-sha256" content="([0-9a-f]{64})">/.exec(html);
    assert.equal(hash?.[1], relay.certificateSha256);
    const inline = /<script type="application\/json" id="moq-catalog">([^<]*)<\/script>/.exec(html);
    assert.ok(inline?.[1], 'an inline catalog');
    const catalog = JSON.parse(inline[1]) as { tracks?: Array<{ name: string }> };
    assert.ok(catalog.tracks?.some((t) => t.name === '360p'));
  });

  test('no catalog for a name with no broadcast: the page still has the hash, and no catalog', async () => {
    const html = await (await fetch(`${base}/watch/nobody/here`)).text();
    assert.match(html, /name="moq-certificate-sha256"/);
    assert.doesNotMatch(html, /id="moq-catalog"/);
  });

  test('plays without GET /certificate.sha256, reports its join in steps, and loads chat late', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${base}/watch/${NAME}`);
      const s = await untilPlaying(
        page,
        'the page to play from its inline start data',
        (s) => s.join !== undefined,
      );
      assert.equal(s.transport, 'webtransport');
      assert.ok(!requested.includes('/certificate.sha256'), `requests: ${requested.join(' ')}`);
      const join = s.join;
      assert.ok(join);
      assert.equal(join.catalogFromPage, true);
      assert.equal(join.catalogMs, 0, 'the catalog came with the page');
      const steps = [
        join.scriptMs,
        join.sessionMs,
        join.catalogMs,
        join.subscribeMs,
        join.firstObjectMs,
        join.firstFrameMs,
      ];
      for (const step of steps) assert.ok(step >= 0, `a step is never negative: ${step}`);
      const sum = steps.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - join.totalMs) <= 1, `steps sum ${sum} ≈ total ${join.totalMs}`);
      assert.ok(join.sessionMs > 0 && join.scriptMs > 0, JSON.stringify(join));
      // Navigation → first frame as the page saw it, within the same clock.
      assert.ok(join.totalMs > join.scriptMs && join.totalMs < 60_000);
      // The chat is a chunk of its own, loaded after the player started, and still works.
      await page.waitForFunction(() => 'moqChat' in window, undefined, { timeout: 30_000 });
      assert.ok(
        requested.some((path) => /^\/player\/chunk-[A-Za-z0-9_-]+\.js$/.test(path)),
        `a chunk was loaded: ${requested.join(' ')}`,
      );
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('buffered (MSE) mode loads its chunk and plays', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/watch/${NAME}?mode=buffered`);
      const s = await untilPlaying(page, 'the MSE player to play', (s) => s.join !== undefined);
      assert.equal(s.mode, 'buffered');
    } finally {
      await page.close();
    }
  });
});
