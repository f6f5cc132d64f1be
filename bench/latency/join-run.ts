import type { Browser } from 'playwright-core';
import type { MoqStats } from './page-schemas.js';
import { distribution } from './percentiles.js';

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

/**
 * `BENCH_JOINS=N`: N first visits one after another, each in a fresh browser context (no cached
 * script, no session to reuse), against the same running broadcast: one join says little on a
 * shared machine, N give its median. Returns a table of per-step p50 / p95 / max.
 */
export async function measureJoins(
  browser: Browser,
  url: string,
  count: number,
): Promise<string[]> {
  const joins: JoinBreakdown[] = [];
  const fetched: Array<{ htmlMs: number; scriptsMs: number }> = [];
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url);
      const handle = await page.waitForFunction(
        () => (window as unknown as { moqPlayer?: { stats(): MoqStats } }).moqPlayer?.stats().join,
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      joins.push((await handle.jsonValue()) as JoinBreakdown);
      fetched.push(await page.evaluate(scriptsFetchedMs));
    } finally {
      await context.close();
    }
  }
  const cell = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : '–');
  const row = (label: string, values: number[]): string => {
    const d = distribution(values);
    return `| ${label} | ${cell(d.p50)} | ${cell(d.p95)} | ${cell(d.max)} |`;
  };
  return [
    `${count} first visits (fresh browser context each), navigation → first frame:`,
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
  ];
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
