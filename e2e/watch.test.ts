/**
 * The watch page end to end: a real encoder publishes a 720p/360p + audio test pattern into a
 * real relay, and headless Chromium plays it from the relay's own /watch page over native
 * WebTransport — real-time on WebCodecs, a hand-picked rendition switch, buffered on MSE, and
 * the broadcast ending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import { BroadcastProducer } from '../src/moq/index.js';
import { Relay } from '../src/relay/index.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { publishTestPattern, type TestBroadcast } from './watch-publisher.js';
import { SourcePace } from './source-pace.js';
import { until as waitUntil } from '../src/async/index.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/pattern';
const PLAY_SECONDS = 20;

function stats(page: Page): Promise<PlayerStats> {
  return page.evaluate(() => {
    const player = (window as unknown as { moqPlayer?: { stats(): PlayerStats } }).moqPlayer;
    if (!player) throw new Error('no window.moqPlayer');
    return player.stats();
  });
}

function resetStats(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { moqPlayer: { resetStats(): void } }).moqPlayer.resetStats();
  });
}

function until(
  page: Page,
  check: (s: PlayerStats) => boolean,
  timeoutMs: number,
  what: string,
): Promise<PlayerStats> {
  let last: PlayerStats | undefined;
  const probe = async (): Promise<PlayerStats | undefined> => {
    last = await stats(page);
    return check(last) ? last : undefined;
  };
  return waitUntil(what, probe, { timeoutMs, intervalMs: 200 }).catch((error: unknown) => {
    throw new Error(`${String(error)}; last stats ${JSON.stringify(last)}`);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The longest render gap the player may show: 500 ms, or what the source itself paused plus
 * the same allowance when the live encoder stalled on a loaded machine.
 */
function gapAllowedMs(paces: readonly SourcePace[]): number {
  return Math.max(500, ...paces.map((pace) => pace.longestGapMs + 400));
}

function sourceGapMs(paces: readonly SourcePace[]): number {
  return Math.round(Math.max(0, ...paces.map((pace) => pace.longestGapMs)));
}

/**
 * Frames the page's video output actually presented over `ms`, counted by the compositor's
 * requestVideoFrameCallback (the player's own count is of frames it handed over), and the
 * video's width.
 */
function presented(page: Page, ms: number): Promise<{ frames: number; width: number }> {
  // A string: named functions in a typed callback would be compiled with helpers the page lacks.
  return page.evaluate(`new Promise((resolve, reject) => {
    const video = document.querySelector('video.moq-video-out');
    if (!video) return reject(new Error('no video.moq-video-out on the stage'));
    let frames = 0;
    let open = true;
    function count() {
      if (!open) return;
      frames++;
      video.requestVideoFrameCallback(count);
    }
    video.requestVideoFrameCallback(count);
    setTimeout(() => {
      open = false;
      resolve({ frames, width: video.videoWidth });
    }, ${ms});
  })`);
}

describe('watch page: relay → Chromium, WebCodecs and MSE', { skip }, () => {
  let relay: Relay;
  let broadcast: TestBroadcast;
  let browser: Browser;
  let page: Page;
  let paces: SourcePace[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The page runs under a strict CSP: anything it blocks shows up as a console error.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    for (const pace of paces) pace.close();
    await broadcast?.close();
    await relay?.close();
  });

  test('a viewer who arrives early is told it is not live, and plays once the broadcast starts', async () => {
    const openedAt = Date.now();
    await page.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}`);
    await page.waitForFunction(
      () => document.querySelector('.moq-message')?.textContent?.startsWith('Not live'),
      undefined,
      { timeout: 20_000 },
    );
    console.log(`"not live" shown ${Date.now() - openedAt} ms after navigation`);
    const waiting = await stats(page);
    assert.equal(waiting.state, 'connecting');
    assert.equal(waiting.reasonCode, 'NOT_LIVE');
    broadcast = await publishTestPattern(relay, NAME, '720p,360p');
    paces = ['720p', '360p'].map((track) => new SourcePace(broadcast.broadcast, track));
    await until(page, (s) => s.state === 'playing', 20_000, 'playback after the start');
  });

  test('/watch lists the live broadcast and links to its page', async () => {
    const listing = await page.goto(`http://127.0.0.1:${relay.port}/watch`);
    assert.equal(listing?.status(), 200);
    const href = await page.getAttribute('ul.broadcasts a', 'href');
    assert.equal(href, `/watch/${NAME}`);
    assert.equal(await page.textContent('ul.broadcasts a'), NAME);
  });

  test('a broadcast without an MSF catalog says so within 5 s (not "Connecting…" forever)', async () => {
    const other = new BroadcastProducer(['no-catalog']);
    other
      .createTrack('video')
      .createGroup()
      .write(new Uint8Array([1, 2, 3]));
    relay.origin.publish(other);
    const viewer = await browser.newPage();
    try {
      await viewer.goto(`http://127.0.0.1:${relay.port}/watch/no-catalog`);
      await viewer.waitForFunction(
        () => /no MSF catalog/i.test(document.querySelector('.moq-message')?.textContent ?? ''),
        undefined,
        { timeout: 5_000 },
      );
      const s = await stats(viewer);
      assert.equal(s.reasonCode, 'NO_CATALOG');
    } finally {
      await viewer.close();
      other.close();
    }
  });

  test('real-time: 20 s of continuous video at ≥ 25 fps, audio, latency under a second', async () => {
    await page.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}?rendition=720p`);
    const started = await until(page, (s) => s.state === 'playing', 20_000, 'playback');
    assert.equal(started.transport, 'webtransport');
    assert.equal(started.mode, 'realtime');
    assert.equal(started.rendition, '720p');
    assert.deepEqual(
      started.renditions.map((r) => r.label),
      ['360p', '720p'],
    );
    await sleep(2000); // past the join burst
    await resetStats(page);
    for (const pace of paces) pace.reset();
    const encodedBefore = broadcast.encoder.progress()?.frame ?? 0;
    await sleep(PLAY_SECONDS * 1000);
    const s = await stats(page);
    const fps = s.framesRendered / PLAY_SECONDS;
    // The source's own pace: on a loaded machine ffmpeg may fall below real time, and no
    // player can show frames that were never made.
    const sourceFps = ((broadcast.encoder.progress()?.frame ?? 0) - encodedBefore) / PLAY_SECONDS;
    console.log(
      `real-time 720p: ${fps.toFixed(1)} fps (source ${sourceFps.toFixed(1)}), decoded ${s.framesDecoded}, dropped ` +
        `${s.framesDropped}, max gap ${Math.round(s.maxRenderGapMs)} ms (source ` +
        `${sourceGapMs(paces)} ms), latency p50 ` +
        `${Math.round(s.latencyP50Ms ?? -1)} p95 ${Math.round(s.latencyP95Ms ?? -1)} ms, join ` +
        `${Math.round(started.joinMs ?? -1)} ms (session ${Math.round(started.connectMs ?? -1)}, ` +
        `catalog ${Math.round(started.catalogMs ?? -1)}), audio frames ${s.audioFramesPlayed}, ` +
        `burst throughput ${((s.throughputBps ?? 0) / 1e6).toFixed(0)} Mb/s`,
    );
    assert.equal(s.state, 'playing');
    const wanted = Math.min(25, 0.85 * sourceFps);
    assert.ok(fps >= wanted, `rendered ${fps.toFixed(1)} fps of the source's ${sourceFps}`);
    assert.ok(
      s.maxRenderGapMs < gapAllowedMs(paces),
      `longest render gap ${s.maxRenderGapMs} ms, the source's ${sourceGapMs(paces)} ms`,
    );
    assert.ok(s.audioFramesPlayed > PLAY_SECONDS * 20, `audio frames ${s.audioFramesPlayed}`);
    assert.ok((s.latencyP50Ms ?? Infinity) < 1000, `latency p50 ${s.latencyP50Ms} ms`);
    // The frames went to the screen through the track generator, not a canvas drawn on the
    // page's main thread, and the compositor presented them.
    assert.equal(await page.$('canvas.moq-canvas'), null);
    const shown = await presented(page, 3000);
    assert.equal(shown.width, 1280);
    assert.ok(shown.frames >= 3 * wanted, `presented ${shown.frames} frames in 3 s`);
    const readout = await page.textContent('.moq-latency');
    assert.match(readout ?? '', /^latency \d+ ms$/);
    assert.ok(await page.isVisible('.moq-latency'));
    assert.match((await page.textContent('.moq-info')) ?? '', /720p · [\d.]+ (M|k)bps/);
    assert.deepEqual(pageErrors, []);
  });

  test("two 400 ms stalls of the page's main thread: the jitter margin widens, and is given back within 25 s", async () => {
    const settled = await until(
      page,
      (s) => s.jitterMarginMs !== undefined && s.jitterMarginMs <= 60,
      30_000,
      'a settled jitter margin',
    );
    const beforeMs = settled.jitterMarginMs ?? 0;
    const hold = (): Promise<void> =>
      page.evaluate(() => {
        const end = performance.now() + 400;
        while (performance.now() < end); // the page's main thread held, as by a long task
      });
    await hold();
    await sleep(1000);
    await hold();
    const stalledAt = Date.now();
    const widened = await until(
      page,
      (s) => (s.jitterMarginMs ?? 0) >= beforeMs + 80,
      5_000,
      'the margin widened by the stalls',
    );
    // With a constant 5 ms/s fall (and a 10 ms/s fade of the late frames' bumps) this took
    // 30 s and more.
    const back = await until(
      page,
      (s) => (s.jitterMarginMs ?? Infinity) <= Math.max(beforeMs + 15, 45),
      25_000,
      'the margin given back',
    );
    console.log(
      `two 400 ms stalls: margin ${beforeMs} → ${widened.jitterMarginMs} ms, back to ` +
        `${back.jitterMarginMs} ms ${Date.now() - stalledAt} ms after the second`,
    );
    assert.equal(back.state, 'playing');
  });

  test('switching to 360p by hand: rendition changes, playback never stalls 500 ms', async () => {
    await resetStats(page);
    for (const pace of paces) pace.reset();
    const encodedBefore = broadcast.encoder.progress()?.frame ?? 0;
    const startedAt = Date.now();
    await page.selectOption('select.moq-quality', '360p');
    const switched = await until(page, (s) => s.rendition === '360p', 10_000, 'the switch');
    await sleep(3000);
    const s = await stats(page);
    const seconds = (Date.now() - startedAt) / 1000;
    const sourceFps = ((broadcast.encoder.progress()?.frame ?? 0) - encodedBefore) / seconds;
    console.log(
      `switch 720p → 360p: took effect after ${switched.framesRendered} frames, max gap ` +
        `${Math.round(s.maxRenderGapMs)} ms across it (source ${sourceGapMs(paces)} ms), ` +
        `${s.framesRendered} frames rendered`,
    );
    assert.equal(s.rendition, '360p');
    assert.equal(s.renditionChoice, '360p');
    assert.ok(s.switches >= 1);
    assert.equal(s.state, 'playing');
    assert.ok(
      s.maxRenderGapMs < gapAllowedMs(paces),
      `longest render gap across the switch ${s.maxRenderGapMs}, the source's ${sourceGapMs(paces)}`,
    );
    const fps = s.framesRendered / seconds;
    const wanted = Math.min(25, 0.85 * sourceFps);
    assert.ok(fps >= wanted, `${fps.toFixed(1)} fps across the switch, source ${sourceFps}`);
  });

  test('buffered mode (MSE) plays after the mode toggle', async () => {
    await page.click('button.moq-mode');
    await until(page, (s) => s.mode === 'buffered', 2000, 'buffered mode');
    // MSE playback is its own chunk, loaded on first use.
    await page.waitForSelector('video.moq-video', { state: 'visible', timeout: 15_000 });
    assert.equal(await page.$('canvas.moq-canvas'), null);
    await until(page, (s) => s.state === 'playing', 15_000, 'MSE playback');
    await resetStats(page);
    await sleep(8000);
    const s = await stats(page);
    const fps = s.framesRendered / 8;
    console.log(
      `buffered: ${fps.toFixed(1)} fps, buffer ${Math.round(s.bufferMs)} ms, latency p50 ` +
        `${Math.round(s.latencyP50Ms ?? -1)} ms, max gap ${Math.round(s.maxRenderGapMs)} ms`,
    );
    assert.equal(s.mode, 'buffered');
    assert.ok(fps >= 20, `MSE rendered ${fps.toFixed(1)} fps`);
    assert.ok(s.audioFramesPlayed > 0, 'audio advanced');
    assert.ok((s.latencyP50Ms ?? Infinity) < 4000, `latency p50 ${s.latencyP50Ms}`);
  });

  test('without QUIC the page falls back to QMux over WebSocket and plays', async () => {
    const fallback = await browser.newPage();
    // As if UDP were blocked: constructing a WebTransport fails.
    await fallback.addInitScript({
      content: "window.WebTransport = function () { throw new TypeError('UDP blocked'); };",
    });
    try {
      await fallback.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}?rendition=360p`);
      const s = await until(fallback, (x) => x.framesRendered > 60, 20_000, 'WebSocket playback');
      console.log(`websocket: join ${Math.round(s.joinMs ?? -1)} ms, p50 ${s.latencyP50Ms} ms`);
      assert.equal(s.transport, 'websocket');
      assert.equal(s.state, 'playing');
      assert.match((await fallback.textContent('.moq-info')) ?? '', /websocket/);
    } finally {
      await fallback.close();
    }
  });

  test('a browser without a track generator draws the frames on a canvas', async () => {
    const drawing = await browser.newPage();
    // Firefox and Safari have no MediaStreamTrackGenerator.
    await drawing.addInitScript({ content: 'delete window.MediaStreamTrackGenerator;' });
    try {
      await drawing.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}?rendition=360p`);
      const first = await until(drawing, (x) => x.framesRendered > 0, 20_000, 'the first frame');
      const later = await until(
        drawing,
        (x) => x.framesRendered >= first.framesRendered + 60,
        20_000,
        '60 more frames',
      );
      assert.equal(later.state, 'playing');
      assert.equal(await drawing.$('video.moq-video-out'), null);
      // The test pattern's colour bars are on the canvas, not a black frame.
      const colours = await drawing.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas.moq-canvas');
        if (!canvas) throw new Error('no canvas.moq-canvas on the stage');
        const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height);
        const seen = new Set<number>();
        for (let i = 0; pixels && i < pixels.data.length; i += 4 * 97) {
          seen.add(
            (pixels.data[i]! >> 5) * 64 +
              (pixels.data[i + 1]! >> 5) * 8 +
              (pixels.data[i + 2]! >> 5),
          );
        }
        return { width: canvas.width, distinct: seen.size };
      });
      assert.equal(colours.width, 640);
      assert.ok(colours.distinct >= 8, `${colours.distinct} distinct colours on the canvas`);
    } finally {
      await drawing.close();
    }
  });

  test('Auto (relay) by default: the relay picks per group, the page says so, and steps up on a good link', async () => {
    const viewer = await browser.newPage();
    try {
      await viewer.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}`);
      const first = await until(viewer, (x) => x.relayAbr === true, 20_000, 'relay-tagged groups');
      assert.equal(first.renditionChoice, 'auto');
      assert.equal(first.abr, 'relay');
      assert.equal(first.chosenBy, 'relay');
      const up = await until(
        viewer,
        (x) => x.rendition === '720p',
        30_000,
        'the relay stepping up',
      );
      assert.equal(up.chosenBy, 'relay');
      assert.ok(up.switches >= 1, `switches ${up.switches}`);
      await waitUntil(
        'the page to name the rendition and who chose it',
        async () => /720p \(relay\)/.test((await viewer.textContent('.moq-info')) ?? ''),
        { timeoutMs: 5000, intervalMs: 100 },
      );
      assert.equal(await viewer.inputValue('.moq-quality'), 'auto:relay');
      console.log(`auto (relay): 720p after ${up.switches} switch(es), p50 ${up.latencyP50Ms} ms`);

      // The menu hands Auto to the player: one rendition subscribed, chosen here.
      await viewer.selectOption('.moq-quality', 'auto:player');
      const mine = await until(
        viewer,
        (x) => x.abr === 'player' && x.chosenBy === 'player',
        15_000,
        'Auto (player) from the menu',
      );
      assert.equal(mine.renditionChoice, 'auto');
      assert.equal(mine.state, 'playing');
    } finally {
      await viewer.close();
    }
  });

  test('Auto (player) starts small on a small screen and steps up once healthy and measured', async () => {
    const small = await browser.newPage({ viewport: { width: 480, height: 360 } });
    try {
      await small.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}?abr=player`);
      const first = await until(small, (x) => x.state === 'playing', 20_000, 'Auto playback');
      assert.equal(first.renditionChoice, 'auto');
      assert.equal(first.abr, 'player');
      assert.equal(first.relayAbr, undefined, 'no switching set is subscribed');
      assert.equal(first.rendition, '360p');
      const up = await until(small, (x) => x.rendition === '720p', 30_000, 'Auto stepping up');
      console.log(
        `auto: 360p → 720p after ${Math.round((up.joinMs ?? 0) / 1000)} s join + healthy ` +
          `stretch, burst throughput ${((up.throughputBps ?? 0) / 1e6).toFixed(0)} Mb/s`,
      );
      // The capacity is measured from catch-up bursts when there was one big enough to time;
      // when there was, it must have carried 720p with headroom.
      if (up.throughputBps !== undefined) assert.ok(up.throughputBps >= 1.5 * 2_500_000);
      assert.equal(up.state, 'playing');
    } finally {
      await small.close();
    }
  });

  test('the page ran under its CSP without a violation or an uncaught error', () => {
    assert.deepEqual(pageErrors, []);
  });

  test('the rendition a viewer picked is taken away: playback goes on with what is left, on Auto', async () => {
    const viewer = await browser.newPage();
    try {
      await viewer.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}?rendition=720p`);
      await until(viewer, (s) => s.rendition === '720p' && s.framesRendered >= 30, 30_000, '720p');
      // A studio that cannot encode its top rung in real time drops it the same way.
      broadcast.dropTrack('720p');
      const before = (await stats(viewer)).framesRendered;
      const after = await until(
        viewer,
        (s) => s.rendition === '360p' && s.framesRendered >= before + 60,
        30_000,
        '60 frames of 360p after 720p was taken away',
      );
      assert.equal(after.state, 'playing');
      assert.equal(after.renditionChoice, 'auto', 'the pick is gone: Auto');
      assert.deepEqual(
        after.renditions.map((r) => r.label),
        ['360p'],
      );
    } finally {
      await viewer.close();
    }
  });

  test('the picked rendition taken away and the broadcast ended at once: the viewer sees the end', async () => {
    // A studio that drops its top rung just before Stop: the player moves to what is left while
    // that ends too, and must hear it.
    const name = `${NAME}-stop`;
    const second = await publishTestPattern(relay, name, '720p,360p');
    const viewer = await browser.newPage();
    try {
      await viewer.goto(`http://127.0.0.1:${relay.port}/watch/${name}?rendition=720p`);
      await until(viewer, (s) => s.rendition === '720p' && s.framesRendered >= 30, 30_000, '720p');
      // The broadcast ends the moment the player learns 720p is gone (the page polls its stats).
      const closed = Promise.withResolvers<void>();
      await viewer.exposeFunction('endBroadcast', () => second.close().then(closed.resolve));
      const polling = viewer.evaluate(`new Promise((resolve) => {
        const poll = setInterval(() => {
          if (window.moqPlayer.stats().renditions.length !== 1) return;
          clearInterval(poll);
          resolve(window.endBroadcast());
        }, 5);
      })`);
      second.dropTrack('720p');
      await Promise.all([polling, closed.promise]);
      const ended = await until(viewer, (s) => s.state === 'ended', 15_000, 'the end');
      assert.equal(ended.reason, 'the publisher ended the broadcast');
    } finally {
      await viewer.close();
      await second.close();
    }
  });

  test('the publisher ending the broadcast shows "Broadcast ended"', async () => {
    await broadcast.close();
    await until(page, (s) => s.state === 'ended', 10_000, 'the end');
    const message = await page.textContent('.moq-message');
    assert.match(message ?? '', /^Broadcast ended: .+/);
    const listing = (await (await fetch(`http://127.0.0.1:${relay.port}/watch.json`)).json()) as {
      broadcasts: unknown[];
      total: number;
    };
    assert.deepEqual(listing.broadcasts, []);
    assert.equal(listing.total, 0);
  });
});
