import type { Browser, Page } from 'playwright-core';
import { launchBenchChromium } from './browser.js';
import { bundlePage } from './bundle.js';
import { PlayerError } from './errors.js';
import { firstPagesCount, withFirstPages } from './first-pages.js';
import { FIRST_FRAME_OR_ERROR, measureHlsJoins } from './hls-joins.js';
import { startHlsSource, type HlsSource } from './hls-source.js';
import { pageTimingNote } from './page-timing.js';
import { hlsSampleSchema, type HlsSample } from './page-schemas.js';
import { distribution, settlingNote } from './percentiles.js';
import { probeFigures } from './probe-figures.js';
import { SAMPLE_INTERVAL_MS, type PlayerResult } from './player-result.js';
import { readPage, sampleFor, waitInPage } from './sampler.js';
import { serveHls, type StaticServer } from './static-server.js';

/** Segments in the playlist before the viewer opens the page: a stream in its steady state. */
const SEGMENTS_BEFORE_JOIN = 3;

/** BENCH_JOINS=N: N more first visits after the measured one, as the MoQ side takes. */
const JOINS = Number(process.env.BENCH_JOINS ?? 0);

/** hls.js's live sync point in seconds behind the live edge; unset = one segment. */
const LIVE_SYNC_SECONDS = process.env.BENCH_HLS_LIVE_SYNC;

const SAMPLE_EXPRESSION =
  '({ latencyMs: window.benchHls.latencyMs(), errors: window.benchHls.errors, probe: window.benchProbe.snapshot() })';

const readSample = (page: Page): Promise<HlsSample> =>
  readPage(page, SAMPLE_EXPRESSION, hlsSampleSchema);

async function pageHtml(): Promise<string> {
  const script = await bundlePage('hls-page');
  // Inline, so the join time holds no extra request for the script.
  return `<!doctype html><meta charset="utf-8"><title>HLS baseline</title><body style="margin:0"><script>${script}</script></body>`;
}

/** Until the probe saw a first frame, or hls.js reported an error (see waitInPage). */
const FIRST_FRAME =
  'window.benchProbe && (window.benchProbe.snapshot().firstFrameMs !== null || (window.benchHls && window.benchHls.errors.length > 0))';

async function waitForFirstFrame(page: Page): Promise<HlsSample> {
  await waitInPage(page, 'the first HLS frame', FIRST_FRAME, 30_000);
  const sample = await readSample(page);
  if (sample.errors.length > 0) throw new PlayerError(`hls.js: ${sample.errors.join('; ')}`);
  return sample;
}

async function measure(page: Page, source: HlsSource, seconds: number): Promise<PlayerResult> {
  const first = await waitForFirstFrame(page);
  const samples = await sampleFor(seconds, () => readSample(page));
  const last = samples.at(-1) ?? first;
  if (last.errors.length > 0) throw new PlayerError(`hls.js: ${last.errors.join('; ')}`);
  const latencies = samples.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
  const timing = await pageTimingNote(page);
  return {
    name: 'HLS (hls.js)',
    joinMs: first.probe.firstFrameMs ?? NaN,
    latency: distribution(latencies),
    ...probeFigures(first.probe, last.probe),
    maxGapMs: last.probe.maxGapMs,
    notes: [
      '720p 2.5 Mbps single rendition, 1 s fMP4 segments (ffmpeg 5.1 writes no LL-HLS parts), ' +
        `hls.js ${LIVE_SYNC_SECONDS ? `liveSyncDuration ${LIVE_SYNC_SECONDS} s` : 'liveSyncDurationCount 1'}`,
      `first program-date-time ${source.firstProgramDateTime - source.startedAt} ms after ffmpeg ` +
        'was spawned (startup; PDT is set when the muxer starts)',
      settlingNote(latencies, SAMPLE_INTERVAL_MS),
      `waiting events ${last.probe.waitingEvents}`,
      `${timing} (hls.js inline)`,
    ],
  };
}

/** ffmpeg → HLS files → Node static server → hls.js in Chromium, for `seconds` after first frame. */
export async function runHls(seconds: number): Promise<PlayerResult> {
  const html = await pageHtml();
  const firstPages = firstPagesCount();
  const source = await startHlsSource(SEGMENTS_BEFORE_JOIN);
  let server: StaticServer | undefined;
  try {
    server = await serveHls(html, source.dir);
    const query = LIVE_SYNC_SECONDS ? `?liveSync=${encodeURIComponent(LIVE_SYNC_SECONDS)}` : '';
    const url = `${server.url}${query}`;
    const result = await watchInOneBrowser(url, source, seconds);
    return await withFirstPages(result, {
      url,
      count: firstPages,
      firstFrame: FIRST_FRAME_OR_ERROR,
    });
  } finally {
    await server?.close();
    await source.stop();
  }
}

async function watchInOneBrowser(
  url: string,
  source: HlsSource,
  seconds: number,
): Promise<PlayerResult> {
  let browser: Browser | undefined;
  try {
    browser = await launchBenchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`HLS page error: ${error.message}`));
    await page.goto(url);
    const result = await measure(page, source, seconds);
    await page.close();
    if (JOINS === 0) return result;
    const joins = await measureHlsJoins(browser, url, JOINS);
    return {
      ...result,
      joins: { count: JOINS, warm: false, probeP50Ms: joins.p50Ms },
      tables: [joins.table],
    };
  } finally {
    await browser?.close();
  }
}
