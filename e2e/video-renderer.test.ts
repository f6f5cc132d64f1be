/**
 * The player's WebCodecs renderer at a rendition switch, in headless Chromium with its real
 * H.264 decoder: the retired decoder finishes what it holds (frames before the switch point still
 * show), unless it holds a backlog — a switch down on a device too slow for the old rendition —
 * which it would spend the next seconds on, beside the new decoder, for frames too late to show.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CmafChunk, InitSegment } from '../src/media/cmaf/index.js';
import { Fmp4Splitter } from '../src/media/cmaf/index.js';
import { makeVideoFmp4 } from '../src/media/cmaf/cmaf-test-kit.js';
import { bundleForPage, chromiumAvailable, launchChromium, servePage } from './chromium.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';

/** The renderer's backlog limit (video-renderer.ts MAX_DECODE_BACKLOG) is 8 chunks. */
const BACKLOG_CHUNKS = 40;
const FEW_CHUNKS = 3;

const src = (path: string): string => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/** The page: a renderer fed chunks in one task, then switched; what became of the old decoder. */
const PAGE_SCRIPT = `
import { VideoRenderer } from '${src('media/player-browser/video-renderer.ts')}';
import { LiveClock } from '${src('media/player-browser/live-clock.ts')}';
import { StatsRecorder } from '${src('media/player-browser/stats-recorder.ts')}';
import { mediaTrack, parseChunk, timedSamples } from '${src('media/player-browser/media-track.ts')}';

// Every decoder the renderer makes, to look at the retired one after the switch.
const decoders = [];
const Decoder = globalThis.VideoDecoder;
globalThis.VideoDecoder = class extends Decoder {
  constructor(init) {
    super(init);
    decoders.push(this);
  }
};
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

window.switchAfter = async (initB64, chunksB64, switchAtIndex) => {
  const errors = [];
  const entry = { name: 'video', packaging: 'cmaf', isLive: true, role: 'video', codec: '', initData: initB64 };
  const track = mediaTrack(entry);
  const renderer = new VideoRenderer(new LiveClock(), new StatsRecorder(), (e) => errors.push(e.code));
  renderer.configure(track);
  let switchAtPtsMs = 0;
  chunksB64.forEach((chunk, objectId) => {
    const samples = timedSamples(track, parseChunk(track, bytes(chunk), objectId));
    if (objectId === switchAtIndex) switchAtPtsMs = samples[0].ptsMs;
    if (objectId < switchAtIndex) renderer.decode(samples, undefined);
  });
  const old = decoders.at(-1);
  const queued = old.decodeQueueSize;
  renderer.switchTo(track, switchAtPtsMs);
  const stateAtSwitch = old.state;
  const started = performance.now();
  while (old.state !== 'closed' && performance.now() - started < 20000) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const replacement = decoders.at(-1);
  return { queued, stateAtSwitch, stateLater: old.state, replaced: replacement !== old, replacementState: replacement.state, errors };
};
`;

interface SwitchOutcome {
  queued: number;
  stateAtSwitch: string;
  stateLater: string;
  replaced: boolean;
  replacementState: string;
  errors: string[];
}

describe('VideoRenderer at a rendition switch, in Chromium', { skip, timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let site: { close: () => Promise<void>; url: string };
  let initB64: string;
  let chunksB64: string[];

  before(async () => {
    const splitter = new Fmp4Splitter();
    const parts = splitter.push(await makeVideoFmp4({ seconds: 3, size: '640x360', gop: 90 }));
    splitter.end();
    initB64 = Buffer.from((parts[0] as InitSegment).bytes).toString('base64');
    chunksB64 = (parts.slice(1) as CmafChunk[]).map((c) => Buffer.from(c.bytes).toString('base64'));
    const script = await bundleForPage({ contents: PAGE_SCRIPT });
    site = await servePage(
      `<!doctype html><title>renderer</title><script type="module">${script}</script>`,
    );
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => 'switchAfter' in window);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  const switchAfter = (chunks: number): Promise<SwitchOutcome> =>
    page.evaluate(
      ([init, all, at]) =>
        (
          window as unknown as { switchAfter: (...a: unknown[]) => Promise<SwitchOutcome> }
        ).switchAfter(init, all, at),
      [initB64, chunksB64, chunks] as const,
    );

  test('a decoder holding a backlog is closed at the switch, not left to work through it', async () => {
    const outcome = await switchAfter(BACKLOG_CHUNKS);
    console.log(`backlog: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.queued > 8, `the decoder held ${outcome.queued} chunks (a backlog)`);
    assert.equal(outcome.stateAtSwitch, 'closed');
    assert.ok(outcome.replaced, 'a new decoder took over');
    assert.equal(outcome.replacementState, 'configured');
    assert.deepEqual(outcome.errors, []);
  });

  test('a decoder with a few chunks left finishes them, then closes', async () => {
    const outcome = await switchAfter(FEW_CHUNKS);
    console.log(`few: ${JSON.stringify(outcome)}`);
    assert.ok(outcome.queued <= 8, `the decoder held ${outcome.queued} chunks`);
    assert.equal(outcome.stateAtSwitch, 'configured', 'still finishing what it holds');
    assert.equal(outcome.stateLater, 'closed', 'closed once flushed');
    assert.ok(outcome.replaced, 'a new decoder took over');
    assert.deepEqual(outcome.errors, []);
  });
});
