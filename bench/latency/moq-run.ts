import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBenchChromium } from './browser.js';
import { bundlePage } from './bundle.js';
import { BenchChild } from './child.js';
import { MissingComponentError, PlayerError } from './errors.js';
import { freePort } from './free-port.js';
import { pageTimingNote } from './page-timing.js';
import { moqSampleSchema, watchListSchema, type MoqSample } from './page-schemas.js';
import { distribution, settlingNote } from './percentiles.js';
import { probeFigures } from './probe-figures.js';
import type { ProbeSnapshot } from './probe-types.js';
import { SAMPLE_INTERVAL_MS, type PlayerResult } from './player-result.js';
import { readPage, sampleFor } from './sampler.js';
import { sleep, waitFor } from './wait.js';

const BIN = (name: string): string => fileURLToPath(new URL(`../../bin/${name}`, import.meta.url));
const NAME = 'bench';
/**
 * The publisher's head start once the relay lists it, so the viewer joins a stream in its steady
 * state (the HLS side waits for 3 segments).
 */
const PUBLISH_WARMUP_MS = 3000;
/** The ladder moq-pub encodes; BENCH_MOQ_LADDER=720p isolates the pipeline from encoder load. */
const LADDER = process.env.BENCH_MOQ_LADDER ?? '1080p,720p,360p';
/** The same GOP as the HLS baseline's 1 s segments (moq-pub's default is 2 s). */
const GOP_MS = 1000;

const SAMPLE_EXPRESSION =
  '({ stats: window.moqPlayer ? window.moqPlayer.stats() : null, video: window.benchProbe.snapshot(), render: window.benchRenderProbe.snapshot() })';

const readSample = (page: Page): Promise<MoqSample> =>
  readPage(page, SAMPLE_EXPRESSION, moqSampleSchema);

/** The `<video>` probe when the player uses MSE, else the stats-based one (WebCodecs). */
const probeOf = (sample: MoqSample): ProbeSnapshot =>
  sample.video.firstFrameMs !== null ? sample.video : sample.render;

interface Processes {
  relay: BenchChild;
  pub: BenchChild | undefined;
}

function failure(children: Processes): Error | undefined {
  return children.relay.failed() ?? children.pub?.failed();
}

async function startRelay(port: number): Promise<BenchChild> {
  // A child process, like the HLS side's ffmpeg and file server: the relay's CPU is not ours.
  const relay = BenchChild.spawn('moq-relay', process.execPath, [
    ...[BIN('moq-relay.mjs'), '--bind', `127.0.0.1:${port}`, '--log-level', 'warn'],
  ]);
  await waitFor('the relay to listen', 30_000, async () => {
    const failed = relay.failed();
    if (failed) throw failed;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/certificate.sha256`);
      return response.ok ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return relay;
}

function startPublisher(port: number): BenchChild {
  if (!existsSync(BIN('moq-pub.mjs')))
    throw new MissingComponentError('bin/moq-pub.mjs is missing');
  return BenchChild.spawn('moq-pub', process.execPath, [
    ...[BIN('moq-pub.mjs'), '--url', `http://127.0.0.1:${port}/`, '--name', NAME],
    ...['--test-pattern', '--ladder', LADDER, '--gop-ms', String(GOP_MS)],
  ]);
}

async function isListed(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/watch.json`);
  if (!response.ok) return false;
  const body = watchListSchema.parse(await response.json());
  return body.broadcasts.some((b) => b.name === NAME);
}

/**
 * Waits for the relay to list the broadcast, then fetches the player script once: the relay
 * bundles it on first request, a one-off cost no later viewer pays.
 */
async function waitForBroadcast(port: number, children: Processes): Promise<void> {
  await waitFor('the relay to list the broadcast', 60_000, async () => {
    const failed = failure(children);
    if (failed) throw failed;
    return (await isListed(port)) ? true : undefined;
  });
  const script = await fetch(`http://127.0.0.1:${port}/player/watch.js`);
  if (!script.ok) throw new MissingComponentError(`/player/watch.js: HTTP ${script.status}`);
  await script.arrayBuffer();
  await sleep(PUBLISH_WARMUP_MS);
}

async function waitForFirstFrame(page: Page, children: Processes): Promise<MoqSample> {
  return waitFor('the first MoQ frame', 30_000, async () => {
    const failed = failure(children);
    if (failed) throw failed;
    const sample = await readSample(page);
    if (sample.stats?.state === 'error') {
      throw new PlayerError(`player: ${sample.stats.reason ?? 'error'}`);
    }
    return probeOf(sample).firstFrameMs !== null ? sample : undefined;
  });
}

const round = (value: number | undefined): string =>
  value === undefined ? '?' : String(Math.round(value));

/**
 * moq-pub's last status line (its encoder's fps and speed): below 1× the encoder lags real time,
 * which prft-based latency cannot show (prft is stamped when ffmpeg muxes, after any backlog).
 */
function publisherStatus(pub: BenchChild | undefined): string {
  const lines = pub?.tail().split('\n') ?? [];
  return lines.reverse().find((line) => line.startsWith('moq-pub:')) ?? 'moq-pub: no status line';
}

function publisherSpeed(status: string): number | undefined {
  const match = /\|\s*([\d.]+)x\s*\|/.exec(status);
  return match?.[1] ? Number(match[1]) : undefined;
}

function notesOf(
  first: MoqSample,
  last: MoqSample,
  latencies: number[],
  pub: BenchChild | undefined,
): string[] {
  const stats = last.stats;
  return [
    publisherStatus(pub),
    settlingNote(latencies, SAMPLE_INTERVAL_MS),
    `rendition ${stats?.rendition ?? '?'} (ladder ${LADDER}, GOP ${GOP_MS} ms), ` +
      `${stats?.mode ?? '?'} mode over ${stats?.transport ?? '?'}`,
    `player's own figures: joinMs ${round(first.stats?.joinMs)} (from its start(), not from ` +
      `navigation), latency p50 ${round(stats?.latencyP50Ms)} / p95 ${round(stats?.latencyP95Ms)} ` +
      `ms, frames dropped ${stats?.framesDropped ?? '?'}, max render gap ` +
      `${round(stats?.maxRenderGapMs)} ms`,
    "latency = render wall clock − the frame's prft (wall clock when ffmpeg muxed it)",
  ];
}

async function measure(page: Page, children: Processes, seconds: number): Promise<PlayerResult> {
  const first = await waitForFirstFrame(page, children);
  const samples = await sampleFor(seconds, () => readSample(page));
  const last = samples.at(-1) ?? first;
  const failed = failure(children);
  if (failed) throw failed;
  const timing = await pageTimingNote(page);
  const latencies = samples.flatMap((s) =>
    s.stats?.latencyMs === undefined ? [] : [s.stats.latencyMs],
  );
  return {
    name: 'MoQ (our player)',
    joinMs: probeOf(first).firstFrameMs ?? NaN,
    latency: distribution(latencies),
    ...probeFigures(probeOf(first), probeOf(last)),
    maxGapMs: probeOf(last).maxGapMs,
    encoderSpeed: publisherSpeed(publisherStatus(children.pub)),
    notes: [...notesOf(first, last, latencies, children.pub), timing],
  };
}

async function watch(port: number, children: Processes, seconds: number): Promise<PlayerResult> {
  const probe = await bundlePage('probe-entry');
  let browser: Browser | undefined;
  try {
    browser = await launchBenchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.log(`MoQ page error: ${error.message}`));
    await page.addInitScript({ content: probe });
    await page.goto(`http://127.0.0.1:${port}/watch/${NAME}`);
    return await measure(page, children, seconds);
  } finally {
    await browser?.close();
  }
}

/** moq-pub (test pattern ladder) → moq-relay → the relay's /watch page in Chromium. */
export async function runMoq(seconds: number): Promise<PlayerResult> {
  const port = await freePort();
  const children: Processes = { relay: await startRelay(port), pub: undefined };
  try {
    children.pub = startPublisher(port);
    await waitForBroadcast(port, children);
    const failed = failure(children);
    if (failed) throw failed;
    return await watch(port, children, seconds);
  } finally {
    await children.pub?.stop();
    await children.relay.stop();
  }
}
