import type { Page } from 'playwright-core';
import type { z } from 'zod';
import { SAMPLE_INTERVAL_MS } from './player-result.js';
import { sleep } from './wait.js';

/** Evaluates `expression` in the page and checks the result against `schema`. */
export async function readPage<T>(
  page: Page,
  expression: string,
  schema: z.ZodType<T>,
): Promise<T> {
  return schema.parse(await page.evaluate(expression));
}

/**
 * Calls `read` every SAMPLE_INTERVAL_MS for `seconds` (on a fixed schedule, so slow reads do not
 * stretch the window) and returns every sample.
 */
export async function sampleFor<T>(seconds: number, read: () => Promise<T>): Promise<T[]> {
  const samples: T[] = [];
  const start = performance.now();
  for (let i = 1; performance.now() - start < seconds * 1000; i++) {
    samples.push(await read());
    await sleep(Math.max(0, start + i * SAMPLE_INTERVAL_MS - performance.now()));
  }
  return samples;
}
