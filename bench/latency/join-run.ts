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
    } finally {
      await context.close();
    }
  }
  const cell = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : '–');
  return [
    `${count} first visits (fresh browser context each), navigation → first frame:`,
    '| join step | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- |',
    ...STEPS.map(([label, key]) => {
      const d = distribution(joins.map((j) => Number(j[key])));
      return `| ${label} | ${cell(d.p50)} | ${cell(d.p95)} | ${cell(d.max)} |`;
    }),
  ];
}
