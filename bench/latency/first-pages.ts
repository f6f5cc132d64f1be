import { launchBenchChromium } from './browser.js';
import { PlayerError } from './errors.js';
import { distribution } from './percentiles.js';
import type { FirstPages, PlayerResult } from './player-result.js';
import { waitInPage } from './sampler.js';

/**
 * `BENCH_FIRST_PAGES=N`: N more browsers launched one after another, each opening the player's
 * page once, as the measured page was. A browser's first page pays for the browser's own cold
 * start (its network process's first connection, the first WebTransport session, the first
 * decoder), which differs from one launch to the next by hundreds of milliseconds on a shared
 * machine: one such page says little, N + 1 give a median.
 */
export function firstPagesCount(): number {
  const raw = process.env.BENCH_FIRST_PAGES ?? '0';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`BENCH_FIRST_PAGES must be a whole number ≥ 0, not "${raw}"`);
  }
  return count;
}

export interface FirstPageOptions {
  url: string;
  count: number;
  /**
   * An expression the page evaluates to its first frame's time (navigation → first frame), or
   * to `{ error }` once the player failed; falsy until then (see waitInPage).
   */
  firstFrame: string;
  /** A script run in the page before its own (the MoQ page's frame probe). */
  initScript?: string;
}

/**
 * `result` with `options.count` more first pages, each in a browser of its own, beside its
 * measured page's (`result.joinMs`): their median and their table.
 */
export async function withFirstPages(
  result: PlayerResult,
  options: FirstPageOptions,
): Promise<PlayerResult> {
  if (options.count === 0) return result;
  const samplesMs = [result.joinMs];
  for (let i = 0; i < options.count; i++) samplesMs.push(await firstPage(options));
  const pages: FirstPages = { samplesMs, p50Ms: distribution(samplesMs).p50 };
  return {
    ...result,
    firstPages: pages,
    tables: [...(result.tables ?? []), firstPagesTable(pages)],
  };
}

async function firstPage(options: FirstPageOptions): Promise<number> {
  const browser = await launchBenchChromium();
  try {
    const page = await browser.newPage();
    if (options.initScript) await page.addInitScript({ content: options.initScript });
    await page.goto(options.url);
    const seen = await waitInPage(
      page,
      `a browser's first frame at ${options.url}`,
      options.firstFrame,
      30_000,
    );
    if (typeof seen !== 'number') {
      throw new PlayerError(`first page at ${options.url}: ${JSON.stringify(seen)}`);
    }
    return seen;
  } finally {
    await browser.close();
  }
}

/** The table both players print: the first pages' median, p95 and max. */
function firstPagesTable(pages: FirstPages): string[] {
  const d = distribution(pages.samplesMs);
  const cell = (n: number): string => String(Math.round(n));
  return [
    `${pages.samplesMs.length} browsers' first pages (a freshly launched browser each), navigation → first frame (frame probe):`,
    '| first page | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- |',
    `| total seen by the frame probe | ${cell(d.p50)} | ${cell(d.p95)} | ${cell(d.max)} |`,
  ];
}
