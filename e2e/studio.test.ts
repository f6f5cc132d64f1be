/**
 * The headless studio end to end: `moq-studio serve` as a real process, its page in Debian
 * Chromium (fake camera + mic), real ffmpeg, the embedded relay, and viewers on the relay's
 * watch page. Bad input first (the app must stay usable after each), then the test pattern
 * live with a viewer, the monitoring figures, Stop; a remote relay killed while live; the camera.
 * Screenshots of the live studio and the watch page go to docs/screenshots/ with
 * UPDATE_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { closedPort } from './cli-process.js';
import {
  MEDIA_ARGS,
  playerStats,
  startRelayOn,
  startStudio,
  until,
  type StudioServer,
} from './studio-server.js';
import { screenshot, UPDATING_SCREENSHOTS } from './screenshots.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const LIVE_MS = 60_000;

type State = 'idle' | 'checking' | 'starting' | 'live' | 'reconnecting' | 'stopping';

/** The studio process, for its log when a wait fails. */
let studioProcess: StudioServer | undefined;

async function waitState(page: Page, state: State, timeout = LIVE_MS): Promise<void> {
  try {
    await page.waitForSelector(`[data-testid="state"][data-state="${state}"]`, { timeout });
  } catch (error) {
    const log = studioProcess?.cli.lines.stderr.slice(-20).join('\n') ?? '';
    throw new Error(`the studio did not reach ${state}; its last log lines:\n${log}`, {
      cause: error,
    });
  }
}

/** Types into a settings field and commits it (Enter), then waits for the save to land. */
async function setField(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(value);
  await input.press('Enter');
  await page.waitForTimeout(300);
}

interface RenditionRow {
  name: string;
  bitrateBps: number;
  viewers: number | null;
}

// No named helpers inside: tsx would wrap them in a `__name` the page does not have.
function renditionRows(page: Page): Promise<RenditionRow[]> {
  return page.$$eval('[data-testid="renditions"] tr[data-rendition]', (rows) =>
    rows.map((row) => {
      const bitrate = row.querySelector('[data-field="bitrate"]')?.getAttribute('data-value');
      const viewers = row.querySelector('[data-field="viewers"]')?.getAttribute('data-value');
      return {
        name: row.getAttribute('data-rendition') ?? '',
        bitrateBps: Number(bitrate ?? 0),
        viewers:
          viewers === '' || viewers === undefined || viewers === null ? null : Number(viewers),
      };
    }),
  );
}

/** The rungs the monitoring panel says the studio dropped because it could not keep up. */
async function droppedRungs(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText);
  const said = /overloaded: dropped ([\w, ]+) to keep up/.exec(text)?.[1] ?? '';
  return said
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

async function bannerCode(page: Page): Promise<string | null> {
  const banner = page.getByTestId('error-banner');
  await banner.waitFor({ timeout: 30_000 });
  return banner.getAttribute('data-code');
}

async function goLive(page: Page): Promise<void> {
  await page.getByTestId('go-live').click();
}

async function openViewer(browser: Browser, url: string): Promise<Page> {
  const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await viewer.goto(url);
  return viewer;
}

describe('headless studio: go live from Chromium, watch, monitor, stop', { skip }, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startStudio();
    studioProcess = server;
    browser = await launchChromium(MEDIA_ARGS);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Where the page runs under a CSP, anything it blocks shows up as a console error.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
    await page.goto(server.url);
    await waitState(page, 'idle', 20_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('bad input: an invalid relay URL is flagged inline and refused on Go live', async () => {
    await page.getByTestId('relay-remote').click();
    await setField(page, 'relay-url', 'ftp://relay.invalid/');
    assert.match(
      (await page.getByTestId('error-relay').textContent()) ?? '',
      /not http: or https:/,
    );
    await goLive(page);
    assert.equal(await bannerCode(page), 'BAD_RELAY_URL');
    await waitState(page, 'idle');
    const text = (await page.getByTestId('error-banner').textContent()) ?? '';
    assert.match(text, /http:\/\/relay\.example\.com:4443\//, 'the banner says what to type');
    assert.ok(await page.getByTestId('go-live').isEnabled(), 'Go live can be pressed again');
    await screenshot(page, 'studio-error.png');
  });

  test('bad input: an unreachable relay fails its checklist step and leaves the studio idle', async () => {
    const port = await closedPort();
    await setField(page, 'relay-url', `http://127.0.0.1:${port}/`);
    await goLive(page);
    await page.waitForSelector('[data-testid="error-banner"][data-code="RELAY_UNREACHABLE"]', {
      timeout: 40_000,
    });
    await waitState(page, 'idle');
    const relayStep = page.locator('[data-step="relay"]');
    assert.equal(await relayStep.getAttribute('data-status'), 'failed');
    console.log(
      `unreachable relay: ${(await page.getByTestId('error-banner').textContent()) ?? ''}`,
    );
    assert.ok(await page.getByTestId('go-live').isEnabled());
  });

  test('test pattern: Go live walks the checklist to LIVE on the built-in relay', async () => {
    await page.getByTestId('relay-embedded').click();
    await setField(page, 'relay-port', '0'); // any free port: 4443 may be taken on a shared machine
    await page.getByTestId('source-test-pattern').click();
    await setField(page, 'ladder', '720p,360p');
    await setField(page, 'broadcast-name', 'e2e/studio');
    // The preview is a viewer too: off, so the viewer count is the external viewer alone.
    await page.getByTestId('preview-toggle').click();
    const started = Date.now();
    await goLive(page);
    await waitState(page, 'live');
    console.log(`test pattern live after ${Date.now() - started} ms`);
    const steps = await page.$$eval('[data-testid="checklist"] [data-step]', (items) =>
      items.map((item) => `${item.getAttribute('data-step')}=${item.getAttribute('data-status')}`),
    );
    assert.deepEqual(steps, [
      'relay=done',
      'announced=done',
      'encoder=done',
      'firstGroup=done',
      'live=done',
    ]);
    assert.equal(await page.getByTestId('error-banner').count(), 0, 'no banner once live');
  });

  let viewer: Page;

  test('a viewer opens the share link and renders frames', async () => {
    const shareUrl = await page.getByTestId('share-url').inputValue();
    assert.match(shareUrl, /^http:\/\/127\.0\.0\.1:\d+\/watch\/e2e\/studio$/);
    // One rendition by hand: a viewer on Auto that switched stays counted on the rendition it
    // left (the relay keeps the old subscription), which would make the count below 2.
    viewer = await openViewer(browser, `${shareUrl}?rendition=720p`);
    const playing = await until(
      'the viewer to render 60 frames',
      async () => {
        const s = await playerStats(viewer);
        return s.state === 'playing' && s.framesRendered >= 60 ? s : undefined;
      },
      40_000,
    );
    console.log(
      `viewer: ${playing.rendition} over ${playing.transport}, join ${Math.round(playing.joinMs ?? -1)} ms, ` +
        `latency ${Math.round(playing.latencyMs ?? -1)} ms, ${playing.framesRendered} frames`,
    );
    await screenshot(viewer, 'watch.png');
  });

  test('monitoring: every rendition carries bitrate, and the relay counts one viewer', async () => {
    let seen: RenditionRow[] = [];
    const rows = await until(
      'non-zero bitrate on every rendition and one viewer',
      async () => {
        const found = await renditionRows(page);
        seen = found;
        const names = found.map((r) => r.name).sort();
        const video = found.filter((r) => r.name !== 'audio');
        const viewers = video.reduce((sum, r) => sum + (r.viewers ?? 0), 0);
        // On a starved machine the studio may have dropped its top rung to keep up (it says so).
        const dropped = await droppedRungs(page);
        const ladder = ['360p', '720p', 'audio'].filter((name) => !dropped.includes(name));
        const ok =
          names.join() === ladder.join() && found.every((r) => r.bitrateBps > 0) && viewers === 1;
        return ok ? found : undefined;
      },
      30_000,
      500,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last seen ${JSON.stringify(seen)}`);
    });
    console.log(`renditions: ${JSON.stringify(rows)}`);
    assert.equal(
      await page.getByTestId('chart-viewers').locator('.metric-value').textContent(),
      '1',
    );
    // The preview on: the studio's own player is a second viewer, and measures latency.
    await page.getByTestId('preview-toggle').click();
    await until(
      'the preview counted as a viewer',
      async () =>
        Number(await page.getByTestId('chart-viewers').locator('.metric-value').textContent()) >= 2
          ? true
          : undefined,
      30_000,
      500,
    );
    // The charts' minute filled, for the README's picture.
    if (UPDATING_SCREENSHOTS) await page.waitForTimeout(38_000);
    const latency = await until(
      'a glass-to-glass figure in the monitoring',
      async () => {
        const text = await page.getByTestId('chart-latency').locator('.metric-value').textContent();
        return text && /^\d+ ms$/.test(text) ? text : undefined;
      },
      30_000,
      500,
    );
    const bitrate = await page.getByTestId('chart-bitrate').locator('.metric-value').textContent();
    console.log(`studio shows bitrate ${bitrate}, glass-to-glass ${latency}`);
    assert.match(latency ?? '', /^\d+ ms$/);
    await screenshot(page, 'studio-live.png');
    assert.deepEqual(pageErrors, []);
  });

  test("the studio's watch window plays our broadcast", async () => {
    const watch = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await watch.goto(`${server.url}#watch`);
    const s = await until(
      'the watch window to render 30 frames',
      async () => {
        const stats = await playerStats(watch);
        return stats.state === 'playing' && stats.framesRendered >= 30 ? stats : undefined;
      },
      30_000,
    );
    console.log(`watch window: ${s.rendition}, latency ${Math.round(s.latencyMs ?? -1)} ms`);
    assert.equal(await watch.getByTestId('watch-name').inputValue(), 'e2e/studio');
    // The figures under the player refresh once a second.
    if (UPDATING_SCREENSHOTS) await watch.waitForTimeout(1500);
    await screenshot(watch, 'watch-window.png');
    await watch.close();
  });

  test('Stop returns the studio to idle and the viewer sees the end', async () => {
    await page.getByTestId('stop').click();
    await waitState(page, 'idle', 20_000);
    let last: PlayerStats | undefined;
    const ended = await until(
      'the viewer to see the end',
      async () => {
        last = await playerStats(viewer);
        return last.state === 'ended' ? last : undefined;
      },
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; viewer stats ${JSON.stringify(last)}`);
    });
    console.log(`viewer after Stop: ${ended.state} (${ended.reason ?? ''})`);
    assert.equal(await page.getByTestId('share-url').inputValue(), '');
    const statuses = await page.$$eval('[data-testid="checklist"] [data-step]', (items) =>
      items.map((item) => item.getAttribute('data-status')),
    );
    assert.deepEqual(statuses, ['pending', 'pending', 'pending', 'pending', 'pending']);
    await viewer.close();
  });

  test('a remote relay killed while live: reconnecting, then live again by itself', async () => {
    let { relay, listening } = await startRelayOn(0);
    const port = Number(new URL(listening.url).port);
    try {
      await page.getByTestId('relay-remote').click();
      await setField(page, 'relay-url', listening.url);
      await setField(page, 'ladder', '360p');
      await setField(page, 'broadcast-name', 'e2e/studio');
      await goLive(page);
      await waitState(page, 'live');
      relay.child.kill('SIGKILL');
      await relay.exit();
      // A killed relay says nothing: the session ends at QUIC's idle timeout (30 s).
      const killedAt = Date.now();
      await waitState(page, 'reconnecting', 45_000);
      console.log(`reconnecting ${Date.now() - killedAt} ms after the relay was killed`);
      assert.ok(await page.getByTestId('retry-now').isVisible(), 'Retry now is offered');
      console.log(`while the relay is down: ${await page.getByTestId('reconnect').textContent()}`);
      ({ relay, listening } = await startRelayOn(port));
      const restartedAt = Date.now();
      await waitState(page, 'live', 40_000);
      console.log(`live again ${Date.now() - restartedAt} ms after the relay restarted, no click`);
      const viewer2 = await openViewer(browser, `${listening.url}watch/e2e/studio`);
      let seen: PlayerStats | undefined;
      await until(
        'a viewer on the restarted relay',
        async () => {
          seen = await playerStats(viewer2);
          return seen.framesRendered >= 30 ? true : undefined;
        },
        40_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; viewer stats ${JSON.stringify(seen)}`);
      });
      await viewer2.close();
    } finally {
      relay.child.kill('SIGKILL');
      await relay.exit();
    }
  });

  test('Retry now cuts the reconnect backoff short', async () => {
    // The relay of the test before was killed again: once QUIC's idle timeout ends the
    // session, the studio is reconnecting to a port nobody listens on.
    await waitState(page, 'reconnecting', 45_000);
    // Attempt 4 waits 6.75 s (2 s × 1.5³): long enough to show Retry now cutting it short.
    await page.waitForFunction(
      () =>
        /attempt [4-9]/.test(
          document.querySelector('[data-testid="reconnect"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 40_000 },
    );
    const relayUrl = await page.getByTestId('relay-url').inputValue();
    const { relay } = await startRelayOn(Number(new URL(relayUrl).port));
    try {
      const text = (await page.getByTestId('reconnect').textContent()) ?? '';
      const waitLeftMs = 1000 * Number(/next try in ([\d.]+) s/.exec(text)?.[1] ?? 0);
      const retriedAt = Date.now();
      await page.getByTestId('retry-now').click();
      await waitState(page, 'live', 40_000);
      const tookMs = Date.now() - retriedAt;
      console.log(`Retry now with ${waitLeftMs} ms of backoff left: live again after ${tookMs} ms`);
      if (waitLeftMs > 2000) assert.ok(tookMs < waitLeftMs, 'Retry now waited for the backoff');
      await page.getByTestId('stop').click();
      await waitState(page, 'idle', 20_000);
    } finally {
      relay.child.kill('SIGKILL');
      if ((await page.getByTestId('state').getAttribute('data-state')) !== 'idle') {
        await page.getByTestId('stop').click();
        await waitState(page, 'idle', 20_000);
      }
    }
  });

  test('camera: the fake camera goes live through MediaRecorder and a viewer renders it', async () => {
    await page.getByTestId('relay-embedded').click();
    await setField(page, 'relay-port', '0'); // any free port: 4443 may be taken on a shared machine
    await page.getByTestId('source-camera').click();
    await page.getByTestId('local-video').waitFor({ timeout: 20_000 });
    await goLive(page);
    await waitState(page, 'live');
    const shareUrl = await page.getByTestId('share-url').inputValue();
    const camViewer = await openViewer(browser, shareUrl);
    const s = await until(
      'the viewer to render the camera',
      async () => {
        const stats = await playerStats(camViewer);
        return stats.framesRendered >= 30 ? stats : undefined;
      },
      40_000,
    );
    const rows = await renditionRows(page);
    console.log(
      `camera: viewer ${s.rendition} ${s.framesRendered} frames, latency ${Math.round(s.latencyMs ?? -1)} ms; ` +
        `renditions ${JSON.stringify(rows)}`,
    );
    await camViewer.close();
    await screenshot(page, 'studio-camera.png');
    await page.getByTestId('stop').click();
    await waitState(page, 'idle', 20_000);
  });

  test('screen: a chosen screen goes live and a viewer renders it', async () => {
    await page.getByTestId('source-screen').click();
    // getDisplayMedia needs a click; the fake UI picks Chromium's fake screen.
    await page.getByTestId('capture-acquire').click();
    await page.getByTestId('local-video').waitFor({ timeout: 20_000 });
    await goLive(page);
    await waitState(page, 'live');
    const screenViewer = await openViewer(
      browser,
      await page.getByTestId('share-url').inputValue(),
    );
    const s = await until(
      'the viewer to render the screen',
      async () => {
        const stats = await playerStats(screenViewer);
        return stats.framesRendered >= 30 ? stats : undefined;
      },
      40_000,
    );
    console.log(`screen: viewer ${s.rendition} ${s.framesRendered} frames`);
    await screenViewer.close();
    await page.getByTestId('stop').click();
    await waitState(page, 'idle', 20_000);
  });
});

describe('headless studio: bad input that needs its own setup', { skip }, () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium(MEDIA_ARGS);
  });

  after(async () => {
    await browser?.close();
  });

  test('ffmpeg missing: the banner says how to install it, the studio stays usable', async () => {
    // No ffmpeg on PATH nor in FFMPEG_PATH (ffmpeg-static cannot install here either).
    const server = await startStudio({ ...process.env, PATH: '/nonexistent', FFMPEG_PATH: '' });
    studioProcess = server;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(server.url);
      await waitState(page, 'idle', 20_000);
      await page.getByTestId('relay-port').fill('0');
      await page.getByTestId('relay-port').press('Enter');
      await goLive(page);
      assert.equal(await bannerCode(page), 'FFMPEG_MISSING');
      const text = (await page.getByTestId('error-banner').textContent()) ?? '';
      console.log(`ffmpeg missing: ${text}`);
      assert.match(text, /FFMPEG_PATH|install/i);
      await waitState(page, 'idle');
      assert.ok(await page.getByTestId('go-live').isEnabled());
    } finally {
      await page.close();
      await server.close();
    }
  });

  test('camera permission refused: the source says how to allow it, Go live waits', async () => {
    // Without the fake UI, headless Chromium refuses capture as a user clicking "Block" would.
    const refusing = await launchChromium(['--use-fake-device-for-media-stream']);
    const server = await startStudio();
    studioProcess = server;
    try {
      const page = await refusing.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(server.url);
      await waitState(page, 'idle', 20_000);
      await page.getByTestId('source-camera').click();
      const state = page.getByTestId('capture-state');
      await state.getByRole('alert').waitFor({ timeout: 20_000 });
      const text = (await state.textContent()) ?? '';
      console.log(`camera refused: ${text}`);
      assert.match(text, /refused — allow it/);
      assert.ok(await page.getByTestId('go-live').isDisabled(), 'Go live waits for a camera');
      await page.getByTestId('source-test-pattern').click();
      // Another source is usable at once (once its choice is saved).
      await page.waitForSelector('[data-testid="go-live"]:not([disabled])', { timeout: 5000 });
    } finally {
      await refusing.close();
      await server.close();
    }
  });

  test('a taken broadcast name on a remote relay is refused with its own message', async () => {
    const { relay, listening } = await startRelayOn(0);
    const first = await startStudio();
    const second = await startStudio();
    const pages: Page[] = [];
    try {
      for (const server of [first, second]) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        pages.push(page);
        await page.goto(server.url);
        await waitState(page, 'idle', 20_000);
        await page.getByTestId('relay-remote').click();
        await setField(page, 'relay-url', listening.url);
        await setField(page, 'ladder', '360p');
        await setField(page, 'broadcast-name', 'e2e/taken');
      }
      const [owner, latecomer] = pages as [Page, Page];
      studioProcess = first;
      await goLive(owner);
      await waitState(owner, 'live');
      studioProcess = second;
      await goLive(latecomer);
      assert.equal(await bannerCode(latecomer), 'NAME_TAKEN');
      console.log(
        `taken name: ${(await latecomer.getByTestId('error-banner').textContent()) ?? ''}`,
      );
      await waitState(latecomer, 'idle');
      await owner.getByTestId('stop').click();
      await waitState(owner, 'idle', 20_000);
    } finally {
      for (const page of pages) await page.close();
      await first.close();
      await second.close();
      relay.child.kill('SIGKILL');
    }
  });
});
