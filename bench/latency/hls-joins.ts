import type { Browser } from 'playwright-core';
import { PlayerError } from './errors.js';
import { distribution } from './percentiles.js';
import { waitInPage } from './sampler.js';

/** The probe's first frame, or hls.js's first error (checked in the page: see waitInPage). */
export const FIRST_FRAME_OR_ERROR =
  "window.benchProbe && ((p, h) => p.firstFrameMs ?? (h && h.errors.length > 0 && { error: h.errors.join('; ') }))(window.benchProbe.snapshot(), window.benchHls)";

/**
 * `BENCH_JOINS=N` for the HLS page: N first visits one after another (a fresh browser context
 * each, the same browser), each timed by the page's frame probe from navigation to the first
 * frame presented — the instrument the MoQ series' "seen by the frame probe" row uses, so the
 * two medians compare. Returns the table and the median.
 */
export async function measureHlsJoins(
  browser: Browser,
  url: string,
  count: number,
): Promise<{ table: string[]; p50Ms: number }> {
  const joinsMs: number[] = [];
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(url);
      const seen = await waitInPage(
        page,
        `the first HLS frame at ${url}`,
        FIRST_FRAME_OR_ERROR,
        30_000,
      );
      if (typeof seen !== 'number')
        throw new PlayerError(`hls.js at ${url}: ${JSON.stringify(seen)}`);
      joinsMs.push(seen);
    } finally {
      await context.close();
    }
  }
  const d = distribution(joinsMs);
  const cell = (n: number): string => String(Math.round(n));
  return {
    table: [
      `${count} first visits (fresh browser context each), loopback, navigation → first frame:`,
      '| join | p50 ms | p95 ms | max ms |',
      '| --- | --- | --- | --- |',
      `| total seen by the frame probe | ${cell(d.p50)} | ${cell(d.p95)} | ${cell(d.max)} |`,
    ],
    p50Ms: d.p50,
  };
}
