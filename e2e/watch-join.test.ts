/**
 * The watch page's join path (issue 14): the page carries the relay's certificate hash and the
 * broadcast's catalog, so the player fetches neither; it reports its join step by step; the chat
 * and the MSE path are chunks loaded after the player started. Real relay, real encoder, real
 * Chromium over WebTransport.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import type { Relay } from '../src/relay/index.js';
import { chromiumAvailable } from './chromium.js';
import { untilPlaying } from './player-stats.js';
import { startWatchStage, type WatchStage } from './watch-stage.js';
import { until as waitUntil } from '../src/async/index.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/join';
/** Every WebTransport's `ready` settles 1.5 s after the real one (text: run as-is in the page). */
const SLOW_READY = `{
  const Native = WebTransport;
  window.WebTransport = class extends Native {
    constructor(url, options) {
      super(url, options);
      const ready = super.ready.then(() => new Promise((resolve) => setTimeout(resolve, 1500)));
      Object.defineProperty(this, 'ready', { value: ready });
    }
  };
}`;

/**
 * Records, in page time, when the page's inline script asked for the media devices and each
 * AudioContext was made,
 * and the order of the track names the page's stream writes carried (its SUBSCRIBEs: text run
 * as-is in the page).
 */
const RECORD_JOIN_ORDER = `{
  window.joinOrder = { devicesAskedAt: [], audioOutputAt: [], writes: [] };
  const enumerate = MediaDevices.prototype.enumerateDevices;
  MediaDevices.prototype.enumerateDevices = function () {
    // By the page's inline script (a classic script without src), or by a module (the player).
    const script = document.currentScript;
    if (script && !script.src) window.joinOrder.devicesAskedAt.push(performance.now());
    return enumerate.call(this);
  };
  const NativeContext = AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(options) {
      super(options);
      window.joinOrder.audioOutputAt.push(performance.now());
    }
  };
  const write = WritableStreamDefaultWriter.prototype.write;
  WritableStreamDefaultWriter.prototype.write = function (chunk) {
    if (chunk instanceof Uint8Array) {
      // One write may carry several (the page's setup and the SUBSCRIBEs behind it).
      const text = new TextDecoder('latin1').decode(chunk);
      for (const found of text.matchAll(/catalog\\.json|catalog|360p|audio/g)) {
        window.joinOrder.writes.push(found[0]);
      }
    }
    return write.call(this, chunk);
  };
}`;

describe('watch page join: start data in the page, join breakdown, lazy chunks', { skip }, () => {
  let stage: WatchStage;
  let relay: Relay;
  let browser: Browser;
  let base: string;

  before(async () => {
    // The page writes its player's first SUBSCRIBEs too (the relay's default).
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
      assert.equal(join.sessionOpenedEarly, true, 'the page opened the session early');
      assert.equal(await page.evaluate(() => window.moqEarlyTransport), undefined, 'taken once');
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
      // The session opened early may be up before the player starts; the MoQ setup still counts.
      assert.ok(join.sessionMs >= 0 && join.scriptMs > 0, JSON.stringify(join));
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

  /** The player's stats once it joined on the watch page with `query`, and the page's leftovers. */
  async function joinedWith(query: string): Promise<{ s: PlayerStats; left: unknown }> {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/watch/${NAME}?${query}`);
      const s = await untilPlaying(
        page,
        `the page (${query}) to play`,
        (s) => s.join !== undefined,
      );
      return { s, left: await page.evaluate(() => window.moqEarlyTransport) };
    } finally {
      await page.close();
    }
  }

  test('a page that will not use the early session opens none: WebSocket, or a pinned draft', async () => {
    for (const query of ['transport=websocket', 'draft=16']) {
      const { s, left } = await joinedWith(query);
      assert.equal(s.join?.sessionOpenedEarly, false, query);
      assert.equal(left, undefined, query);
      if (query === 'transport=websocket') assert.equal(s.transport, 'websocket');
    }
  });

  test('a page asked for another start (a rendition, the ABR side) writes no SUBSCRIBE ahead', async () => {
    for (const query of ['rendition=360p', 'abr=player']) {
      const { s } = await joinedWith(query);
      assert.equal(s.join?.sessionOpenedEarly, true, query);
      assert.equal(s.join?.subscriptionsSentEarly, 0, query);
    }
  });

  test("the page writes the player's MoQ setup: the relay's answer waits for the player", async () => {
    const page = await browser.newPage();
    try {
      // The player's script is held until the page has written the setup, so the order is the
      // one a loaded machine shows most often, every time.
      const written = `(async () => {
        const early = window.moqEarlyTransport;
        return early && early.setup ? ((await early.setup) || []).length : 0;
      })()`;
      await page.route('**/player/watch.js', async (route) => {
        const probe = (): Promise<number> => page.evaluate<number>(written).catch(() => 0);
        await waitUntil('the page to write the setup', probe, {
          timeoutMs: 20_000,
          intervalMs: 20,
        });
        await route.continue();
      });
      await page.goto(`${base}/watch/${NAME}`);
      const s = await untilPlaying(page, 'the player to play', (s) => s.join !== undefined);
      assert.equal(s.transport, 'webtransport');
      assert.equal(s.join?.sessionOpenedEarly, true);
      // A second CLIENT_SETUP would have been a protocol violation at the relay: it plays.
      assert.equal(s.join?.setupSentEarly, true);
      // The video and audio SUBSCRIBEs went behind it, and the player adopted both (a second
      // SUBSCRIBE to a track would have closed the session).
      assert.equal(s.join?.subscriptionsSentEarly, 2);
    } finally {
      await page.close();
    }
  });

  test('a handshake still under way when the player starts: the page still writes the setup and SUBSCRIBEs, and the player adopts them', async () => {
    const page = await browser.newPage();
    try {
      // A slow network's handshake, over the real one: every session's `ready` settles 1.5 s
      // late, so the player takes the page's session before it is up. The page opens the
      // control stream and writes the setup with the SUBSCRIBEs behind it once the session is
      // up, before the player's setup gets there (the page's reaction to `ready` comes first),
      // so the join saves those round trips on a slow link too. QUIC only: no WebSocket wins
      // the race meanwhile.
      await page.addInitScript({ content: SLOW_READY });
      await page.goto(`${base}/watch/${NAME}?transport=webtransport`);
      const s = await untilPlaying(page, 'the player to play', (s) => s.join !== undefined);
      const join = s.join;
      assert.ok(join);
      assert.equal(join.sessionOpenedEarly, true);
      // A second CLIENT_SETUP, or a stream of the page's opened after the player's, would have
      // failed the session or left the relay waiting: it plays, from the page's setup.
      assert.equal(join.setupSentEarly, true, JSON.stringify(join));
      assert.equal(join.subscriptionsSentEarly, 2, JSON.stringify(join));
      // The player started (scriptMs) before the session was ready (≥ 1.5 s in): it took it
      // while the handshake ran.
      assert.ok(join.scriptMs < 1500, JSON.stringify(join));
      assert.ok(join.scriptMs + join.sessionMs >= 1500, JSON.stringify(join));
      assert.equal(s.transport, 'webtransport');
    } finally {
      await page.close();
    }
  });

  test('the picture comes first: media subscriptions before the catalog, audio output warmed by the page and opened after the first frame', async () => {
    const page = await browser.newPage();
    try {
      await page.addInitScript({ content: RECORD_JOIN_ORDER });
      await page.goto(`${base}/watch/${NAME}?transport=webtransport`);
      const s = await untilPlaying(
        page,
        'the player to play, sound included',
        (s) => s.join !== undefined && s.audioFramesPlayed > 0,
      );
      const order = await page.evaluate<{
        devicesAskedAt: number[];
        audioOutputAt: number[];
        writes: string[];
      }>('window.joinOrder');
      const at = (name: string): number => order.writes.indexOf(name);
      assert.ok(at('360p') >= 0 && at('audio') >= 0, `writes: ${order.writes.join(', ')}`);
      // The catalog track is read for updates only: its SUBSCRIBEs follow the media's.
      for (const catalog of ['catalog', 'catalog.json']) {
        if (at(catalog) >= 0) {
          assert.ok(at(catalog) > at('360p'), `writes: ${order.writes.join(', ')}`);
        }
      }
      // Opening the audio output holds the main thread (hundreds of ms for a browser's first):
      // it waits for the first frame, and the sound still plays.
      assert.equal(order.audioOutputAt.length, 1, 'one audio output');
      const totalMs = s.join?.totalMs ?? Infinity;
      assert.ok(
        (order.audioOutputAt[0] ?? -1) >= totalMs - 1,
        `audio output at ${order.audioOutputAt[0]} ms, first frame at ${totalMs} ms`,
      );
      // The page's inline script started the browser's audio service (asking for the devices)
      // before the player's script ran, so the output's opening does not hold the page.
      const scriptMs = s.join?.scriptMs ?? -Infinity;
      const askedAt = order.devicesAskedAt[0] ?? Infinity;
      assert.ok(askedAt < scriptMs, `devices asked at ${askedAt} ms, player at ${scriptMs} ms`);
    } finally {
      await page.close();
    }
  });

  test('the join goes from the keyframe to live: the cached group is passed over, not played through', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/watch/${NAME}?transport=webtransport`);
      const s = await untilPlaying(
        page,
        'the player to reach live',
        (s) => s.catchUpMs !== undefined,
      );
      // Reached by a frame on time, not by the catch-up's 1.5 s limit running out.
      assert.ok((s.catchUpMs ?? Infinity) < 1500, JSON.stringify(s));
      // Played through, the group's frames up to live would show at the display rate (about
      // half of them: 15 of a 1 s group at 30 fps); only frames that were the newest to have
      // arrived when due may show now.
      assert.ok(s.staleFramesShown < 15, `stale frames shown: ${s.staleFramesShown}`);
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
