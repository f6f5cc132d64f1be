/**
 * moq-dev's browser packages and our relay, both directions, in headless Chromium:
 * - `@moq/watch` (hang catalog by default) plays our test-pattern broadcast given only `url`
 *   and `name` — it speaks moq-lite-05 with our relay and reads the `catalog.json` our packager
 *   publishes beside the MSF catalog;
 * - `@moq/publish` (Chromium's fake camera and microphone; hang catalog, legacy container,
 *   WebCodecs H.264) publishes through our relay, our watch page renders its frames and moq-sub
 *   records it into a file ffprobe reads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Relay } from '../src/relay/index.js';
import { bundleForPage, chromiumAvailable, launchChromium, servePage } from './chromium.js';
import { Cli } from './cli-process.js';
import { probe } from './media-probe.js';
import { playerStats, until } from './studio-server.js';
import { publishTestPattern, type TestBroadcast } from './watch-publisher.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';

/** One third-party custom element, bundled for the page as its users' bundlers would. */
function bundle(module: string): Promise<string> {
  return bundleForPage({ contents: `import '${module}';` });
}

/** A PNG of the element: its size says whether it shows a picture, two differ if it moves. */
async function snapshot(page: Page, selector: string): Promise<Buffer> {
  return (await page.$(selector))?.screenshot() ?? Buffer.alloc(0);
}

describe('moq-dev browser packages through our relay (hang catalogs)', { skip }, () => {
  let relay: Relay;
  let browser: Browser;
  const sites: Array<{ close: () => Promise<void> }> = [];

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium([
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ]);
  });

  after(async () => {
    await browser?.close();
    for (const site of sites) await site.close();
    await relay?.close();
  });

  test('@moq/watch with only url and name renders our broadcast', async () => {
    let broadcast: TestBroadcast | undefined;
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    try {
      broadcast = await publishTestPattern(relay, 'interop/ours', '360p');
      const script = await bundle('@moq/watch/element');
      const url = `http://127.0.0.1:${relay.port}/`;
      const site = await servePage(
        `<!doctype html><title>watch</title><script type="module">${script}</script>` +
          `<moq-watch url="${url}" name="interop/ours"><canvas style="width:640px;height:360px"></canvas></moq-watch>`,
      );
      sites.push(site);
      await page.goto(site.url);
      // The test pattern moves: two pictures a second apart differ, and neither is blank.
      const moving = await until(
        '@moq/watch to render moving frames',
        async () => {
          const first = await snapshot(page, 'canvas');
          await page.waitForTimeout(1000);
          const second = await snapshot(page, 'canvas');
          return first.length > 5000 && !first.equals(second) ? second.length : undefined;
        },
        60_000,
        500,
      );
      console.log(`@moq/watch canvas PNG ${moving} bytes and moving`);
    } finally {
      await page.close();
      await broadcast?.close();
    }
  });

  test('@moq/publish (fake camera) → our relay → our watch page renders its frames; moq-sub records it', async () => {
    const publisherPage = await browser.newPage();
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const script = await bundle('@moq/publish/element');
      const url = `http://127.0.0.1:${relay.port}/`;
      const site = await servePage(
        `<!doctype html><title>publish</title><script type="module">${script}</script>` +
          `<moq-publish url="${url}" name="interop/theirs" source="camera"><video muted autoplay></video></moq-publish>`,
      );
      sites.push(site);
      await publisherPage.goto(site.url);
      await until(
        'the @moq/publish broadcast announced at the relay',
        () =>
          Promise.resolve(
            relay.origin.broadcasts.some((b) => b.path === 'interop/theirs') ? true : undefined,
          ),
        30_000,
      );
      await viewer.goto(`http://127.0.0.1:${relay.port}/watch/interop/theirs`);
      const stats = await until(
        'our player to render the @moq/publish broadcast',
        async () => {
          const s = await playerStats(viewer).catch(() => undefined);
          return s && s.framesRendered > 60 && s.audioFramesDecoded > 50 ? s : undefined;
        },
        60_000,
      );
      assert.equal(stats.state, 'playing');
      console.log(
        `our player on @moq/publish: ${stats.framesRendered} frames, rendition ` +
          `${stats.rendition ?? '?'}, dropped ${stats.framesDropped}, ` +
          `${stats.audioFramesDecoded} audio frames decoded`,
      );
      const dir = mkdtempSync(join(tmpdir(), 'moq-hang-'));
      try {
        const file = join(dir, 'theirs.mp4');
        const sub = new Cli(
          'moq-sub',
          ['--url', url, '--name', 'interop/theirs', '--duration', '4'],
          { stdoutFile: file },
        );
        const exit = await sub.exit(40_000);
        assert.equal(exit.code, 0, sub.dump());
        const { streams, packets } = await probe(file);
        assert.equal(streams[0]?.codecName, 'h264');
        // The fake microphone's audio: @moq/publish sends legacy Opus, recorded beside video.
        const audio = streams.find((s) => s.codecType === 'audio');
        assert.equal(audio?.codecName, 'opus', sub.dump());
        const audioTimes = packets.filter((p) => p.stream === audio?.index).map((p) => p.ptsSec);
        const audioSpanS = Math.max(...audioTimes) - Math.min(...audioTimes);
        assert.ok(audioSpanS > 2 && audioSpanS < 5.5, `${audioSpanS} s of audio in 4 s`);
        const videoPackets = packets.filter((p) => p.stream === streams[0]?.index);
        assert.ok(
          videoPackets.length > 20,
          `${packets.length} frames in 4 s (${statSync(file).size} bytes)`,
        );
        console.log(
          `moq-sub on @moq/publish: ${packets.length} packets in 4 s, ` +
            `${audioSpanS.toFixed(2)} s of Opus`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await viewer.close();
      await publisherPage.close();
    }
  });
});
