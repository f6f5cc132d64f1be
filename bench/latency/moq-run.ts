import type { Browser, Page } from 'playwright-core';
import { launchBenchChromium } from './browser.js';
import { bundlePage } from './bundle.js';
import { PlayerError } from './errors.js';
import { MoqStack } from './moq-stack.js';
import { firstPagesCount, withFirstPages } from './first-pages.js';
import { measureJoins, PROBED_FIRST_FRAME_OR_ERROR } from './join-run.js';
import { hopTable, joinTable } from './moq-trace.js';
import { pageTimingNote } from './page-timing.js';
import { moqSampleSchema, type MoqSample } from './page-schemas.js';
import { distribution, settlingNote } from './percentiles.js';
import { probeFigures } from './probe-figures.js';
import type { ProbeSnapshot } from './probe-types.js';
import { SAMPLE_INTERVAL_MS, type PlayerResult } from './player-result.js';
import { readPage, sampleFor, waitInPage } from './sampler.js';

const NAME = 'bench';
/** The ladder moq-pub encodes; BENCH_MOQ_LADDER=720p isolates the pipeline from encoder load. */
const LADDER = process.env.BENCH_MOQ_LADDER ?? '1080p,720p,360p';
/** BENCH_JOINS=N: N more first visits after the measured one, for the join's median. */
const JOINS = Number(process.env.BENCH_JOINS ?? 0);
/** The same GOP as the HLS baseline's 1 s segments (moq-pub's default is 2 s). */
const GOP_MS = 1000;

const SAMPLE_EXPRESSION =
  '({ stats: window.moqPlayer ? window.moqPlayer.stats() : null, video: window.benchProbe.snapshot(), render: window.benchRenderProbe.snapshot() })';

const readSample = (page: Page): Promise<MoqSample> =>
  readPage(page, SAMPLE_EXPRESSION, moqSampleSchema);

/** The `<video>` probe when the player uses MSE, else the stats-based one (WebCodecs). */
const probeOf = (sample: MoqSample): ProbeSnapshot =>
  sample.video.firstFrameMs !== null ? sample.video : sample.render;

/** Until either probe saw a first frame, or the player failed (read in the page: see waitInPage). */
const FIRST_FRAME =
  "window.benchProbe && (window.benchProbe.snapshot().firstFrameMs !== null || window.benchRenderProbe.snapshot().firstFrameMs !== null || (window.moqPlayer && window.moqPlayer.stats().state === 'error'))";

async function waitForFirstFrame(page: Page, stack: MoqStack): Promise<MoqSample> {
  // A publisher that died explains a timeout better than the timeout does.
  await waitInPage(page, 'the first MoQ frame', FIRST_FRAME, 30_000).catch((error: unknown) => {
    throw stack.failure() ?? error;
  });
  const failed = stack.failure();
  if (failed) throw failed;
  const sample = await readSample(page);
  if (sample.stats?.state === 'error') {
    throw new PlayerError(`player: ${sample.stats.reason ?? 'error'}`);
  }
  return sample;
}

const round = (value: number | undefined): string =>
  value === undefined ? '?' : String(Math.round(value));

function publisherSpeed(status: string): number | undefined {
  const match = /\|\s*([\d.]+)x\s*\|/.exec(status);
  return match?.[1] ? Number(match[1]) : undefined;
}

function notesOf(first: MoqSample, last: MoqSample, latencies: number[]): string[] {
  const stats = last.stats;
  return [
    settlingNote(latencies, SAMPLE_INTERVAL_MS),
    `rendition ${stats?.rendition ?? '?'} (ladder ${LADDER}, GOP ${GOP_MS} ms), ` +
      `${stats?.mode ?? '?'} mode over ${stats?.transport ?? '?'}`,
    `player's own figures: joinMs ${round(first.stats?.joinMs)} (from its start(), not from ` +
      `navigation), latency p50 ${round(stats?.latencyP50Ms)} / p95 ${round(stats?.latencyP95Ms)} ` +
      `ms, frames dropped ${stats?.framesDropped ?? '?'}, max render gap ` +
      `${round(stats?.maxRenderGapMs)} ms`,
    "latency = render wall clock − the frame's prft (moq-pub's anchored clock: the least-delayed chunk's wall clock + media time, as HLS's program-date-time)",
  ];
}

async function measure(page: Page, stack: MoqStack, seconds: number): Promise<PlayerResult> {
  const first = await waitForFirstFrame(page, stack);
  const samples = await sampleFor(seconds, () => readSample(page));
  const last = samples.at(-1) ?? first;
  const failed = stack.failure();
  if (failed) throw failed;
  const status = stack.publisherStatus();
  const latencies = samples.flatMap((s) =>
    s.stats?.latencyMs === undefined ? [] : [s.stats.latencyMs],
  );
  return {
    name: 'MoQ (our player)',
    joinMs: probeOf(first).firstFrameMs ?? NaN,
    latency: distribution(latencies),
    ...probeFigures(probeOf(first), probeOf(last)),
    maxGapMs: probeOf(last).maxGapMs,
    encoderSpeed: publisherSpeed(status),
    notes: [status, ...notesOf(first, last, latencies), await pageTimingNote(page)],
    tables: [joinTable(first.stats), hopTable(last.stats)],
  };
}

async function watch(stack: MoqStack, seconds: number): Promise<PlayerResult> {
  const probe = await bundlePage('probe-entry');
  const url = `${stack.url}watch/${NAME}`;
  const firstPages = firstPagesCount();
  const result = await watchInOneBrowser(url, stack, seconds, probe);
  // After the measured browser closed: each first page has the machine as the first one had.
  return withFirstPages(result, {
    url,
    count: firstPages,
    firstFrame: PROBED_FIRST_FRAME_OR_ERROR,
    initScript: probe,
  });
}

async function watchInOneBrowser(
  url: string,
  stack: MoqStack,
  seconds: number,
  probe: string,
): Promise<PlayerResult> {
  let browser: Browser | undefined;
  try {
    browser = await launchBenchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`MoQ page error: ${error.message}`));
    await page.addInitScript({ content: probe });
    await page.goto(url);
    const result = await measure(page, stack, seconds);
    await page.close();
    if (JOINS === 0) return result;
    const warm = process.env.BENCH_JOINS_WARM === '1';
    const joins = await measureJoins(browser, url, JOINS, {
      warm,
      probe,
      ...(process.env.BENCH_JOIN_KBIT ? { linkKbit: Number(process.env.BENCH_JOIN_KBIT) } : {}),
      ...(process.env.BENCH_JOIN_RTT_MS ? { rttMs: Number(process.env.BENCH_JOIN_RTT_MS) } : {}),
    });
    return {
      ...result,
      joins: { count: JOINS, warm, p50Ms: joins.totalP50Ms, probeP50Ms: joins.probeP50Ms },
      tables: [...(result.tables ?? []), joins.table],
    };
  } finally {
    await browser?.close();
  }
}

/** moq-pub (test pattern ladder) → moq-relay → the relay's /watch page in Chromium. */
export async function runMoq(seconds: number): Promise<PlayerResult> {
  const stack = await MoqStack.start({ name: NAME, ladder: LADDER, gopMs: GOP_MS });
  try {
    return await watch(stack, seconds);
  } finally {
    await stack.stop();
  }
}
