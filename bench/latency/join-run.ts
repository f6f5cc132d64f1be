import type { Browser, BrowserContext, Page } from 'playwright-core';
import { moqStatsSchema, type MoqStats } from './page-schemas.js';
import { PlayerError } from './errors.js';
import { distribution } from './percentiles.js';
import { waitInPage } from './sampler.js';

type JoinBreakdown = NonNullable<MoqStats['join']>;

const STEPS: ReadonlyArray<[string, keyof JoinBreakdown]> = [
  ['page + script', 'scriptMs'],
  ['session (QUIC + MoQ setup)', 'sessionMs'],
  ['catalog', 'catalogMs'],
  ['video subscription answered', 'subscribeMs'],
  ['first object', 'firstObjectMs'],
  ['first frame decoded + shown', 'firstFrameMs'],
  ['total, navigation → first frame', 'totalMs'],
];

/** How the joins are taken: first visits or returning viewers, on loopback or a throttled link. */
export interface JoinOptions {
  /** Returning viewers: one browser context for all, its HTTP cache warmed by a first visit. */
  warm: boolean;
  /** HTTP throughput and added round trip for the page and its scripts (Chromium's emulation). */
  linkKbit?: number;
  rttMs?: number;
  /**
   * The frame probe's script, run in each visit's page before the player: its first frame seen
   * the way the HLS page's is (navigation → the first frame the `<video>` presented), so the two
   * players' first visits compare with one instrument.
   */
  probe?: string;
}

/** The joins' table and medians: by the player's own marks, and by the probe (if given one). */
export interface JoinSeries {
  table: string[];
  totalP50Ms: number;
  probeP50Ms: number | undefined;
}

/**
 * `BENCH_JOINS=N`: N visits one after another against the same running broadcast, each in a
 * fresh browser context (first visits: nothing cached) or, with BENCH_JOINS_WARM=1, in one
 * context (returning viewers); BENCH_JOIN_KBIT / BENCH_JOIN_RTT_MS throttle the page's HTTP
 * (not its WebTransport session) as a viewer's link would. One join says little on a shared
 * machine, N give its median.
 *
 * Each join is followed, in the same kind of context, by a visit to the relay's broadcast list
 * (`/watch`: same server, same stylesheet, no script) timed to its first contentful paint: what
 * this browser on this machine needs to show any page at all, the floor under every join.
 * Returns the table of per-step p50 / p95 / max and the median join.
 */
export async function measureJoins(
  browser: Browser,
  url: string,
  count: number,
  options: JoinOptions,
): Promise<JoinSeries> {
  const joins: JoinBreakdown[] = [];
  const fetched: Array<{ htmlMs: number; scriptsMs: number }> = [];
  const probedMs: number[] = [];
  const floorsMs: number[] = [];
  const listUrl = new URL('/watch', url).href;
  const shared = options.warm ? await probedContext(browser, options) : undefined;
  if (shared) await visit(shared, url, options); // fills the cache; not counted
  try {
    for (let i = 0; i < count; i++) {
      const context = shared ?? (await probedContext(browser, options));
      try {
        const [join, timing, probeMs] = await visit(context, url, options);
        joins.push(join);
        fetched.push(timing);
        if (probeMs !== undefined) probedMs.push(probeMs);
      } finally {
        if (!shared) await context.close();
      }
      const floorContext = shared ?? (await browser.newContext());
      try {
        floorsMs.push(await firstPaintMs(floorContext, listUrl, options));
      } finally {
        if (!shared) await floorContext.close();
      }
    }
  } finally {
    await shared?.close();
  }
  const cell = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : '–');
  const row = (label: string, values: number[]): string => {
    const d = distribution(values);
    return `| ${label} | ${cell(d.p50)} | ${cell(d.p95)} | ${cell(d.max)} |`;
  };
  const table = [
    `${count} ${options.warm ? 'returning viewers (scripts cached)' : 'first visits (fresh browser context each)'}` +
      (options.linkKbit
        ? `, HTTP throttled to ${options.linkKbit} kbit/s + ${options.rttMs ?? 0} ms RTT`
        : ', loopback') +
      ', navigation → first frame:',
    '| join step | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- |',
    ...STEPS.map(([label, key]) =>
      row(
        label,
        joins.map((j) => Number(j[key])),
      ),
    ),
    row(
      '— of page + script: the HTML fetched',
      fetched.map((f) => f.htmlMs),
    ),
    row(
      '— of page + script: the join’s scripts fetched',
      fetched.map((f) => f.scriptsMs),
    ),
    ...(probedMs.length > 0
      ? [row('total seen by the frame probe (as the HLS page’s)', probedMs)]
      : []),
    row('the floor: a page without script (/watch), navigation → first paint', floorsMs),
    `join p50 / floor p50: ${ratio(
      joins.map((j) => j.totalMs),
      floorsMs,
    )}`,
  ];
  return {
    table,
    totalP50Ms: distribution(joins.map((j) => j.totalMs)).p50,
    probeP50Ms: probedMs.length > 0 ? distribution(probedMs).p50 : undefined,
  };
}

async function probedContext(browser: Browser, options: JoinOptions): Promise<BrowserContext> {
  const context = await browser.newContext();
  if (options.probe) await context.addInitScript({ content: options.probe });
  return context;
}

function ratio(joinsMs: number[], floorsMs: number[]): string {
  const join = distribution(joinsMs).p50;
  const floor = distribution(floorsMs).p50;
  return floor > 0 ? (join / floor).toFixed(2) : '–';
}

/** In the page: when the HTML and the last script fetched before the player started arrived. */
function scriptsFetchedMs(): { htmlMs: number; scriptsMs: number } {
  const navigation = performance.getEntriesByType('navigation')[0] as
    PerformanceNavigationTiming | undefined;
  const scripts = performance
    .getEntriesByType('resource')
    .filter((e) => e.name.includes('/player/')) as PerformanceResourceTiming[];
  const join = (window as unknown as { moqPlayer?: { stats(): MoqStats } }).moqPlayer?.stats().join;
  const startedMs = join ? join.scriptMs : Infinity;
  const before = scripts.filter((s) => s.responseEnd <= startedMs).map((s) => s.responseEnd);
  return {
    htmlMs: navigation?.responseEnd ?? NaN,
    scriptsMs: before.length > 0 ? Math.max(...before) : NaN,
  };
}

/** Until the player's join breakdown is there (its first frame showed), or the player failed. */
const JOIN_DONE = `window.moqPlayer && ((s) => s.join || (s.state === 'error' && { error: s.reason || 'error' }))(window.moqPlayer.stats())`;

/** A page in `context`, its HTTP throttled as `options` say. */
async function openPage(context: BrowserContext, options: JoinOptions): Promise<Page> {
  const page = await context.newPage();
  if (options.linkKbit) {
    const cdp = await context.newCDPSession(page);
    const bytesPerSecond = (options.linkKbit * 1000) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: options.rttMs ?? 0,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
  }
  return page;
}

/**
 * The probe's first frame, as moq-run's probeOf reads it: the `<video>` probe's (the frame
 * presented, by requestVideoFrameCallback, as on the HLS page) when the player shows frames
 * through a `<video>`, else the render probe's (the animation frame after the canvas draw).
 */
const PROBED_FIRST_FRAME =
  'window.benchProbe && ((v, r) => v.attached ? v.firstFrameMs : r.firstFrameMs)(window.benchProbe.snapshot(), window.benchRenderProbe.snapshot())';

/** PROBED_FIRST_FRAME, or `{ error }` once the player failed (a first page waits on it). */
export const PROBED_FIRST_FRAME_OR_ERROR = `(${PROBED_FIRST_FRAME}) || (window.moqPlayer && ((s) => s.state === 'error' && { error: s.reason || 'error' })(window.moqPlayer.stats()))`;

const FIRST_PAINT = `performance.getEntriesByName('first-contentful-paint')[0]?.startTime`;

async function firstPaintMs(
  context: BrowserContext,
  url: string,
  options: JoinOptions,
): Promise<number> {
  const page = await openPage(context, options);
  try {
    await page.goto(url);
    return Number(await waitInPage(page, `the first paint at ${url}`, FIRST_PAINT, 30_000));
  } finally {
    await page.close();
  }
}

async function visit(
  context: BrowserContext,
  url: string,
  options: JoinOptions,
): Promise<[JoinBreakdown, { htmlMs: number; scriptsMs: number }, number | undefined]> {
  const page = await openPage(context, options);
  try {
    await page.goto(url);
    const waited = await waitInPage(page, `the first frame at ${url}`, JOIN_DONE, 30_000);
    if (typeof waited === 'object' && waited !== null && 'error' in waited) {
      throw new PlayerError(`player at ${url}: ${String(waited.error)}`);
    }
    const join = moqStatsSchema.shape.join.parse(waited);
    if (!join) throw new PlayerError(`no join breakdown at ${url}`);
    const probeMs = options.probe
      ? Number(
          await waitInPage(page, `the probe's first frame at ${url}`, PROBED_FIRST_FRAME, 5_000),
        )
      : undefined;
    return [join, await page.evaluate(scriptsFetchedMs), probeMs];
  } finally {
    await page.close();
  }
}
