import type { Page } from 'playwright-core';
import type { z } from 'zod';
import { SAMPLE_INTERVAL_MS } from './player-result.js';
import { BenchTimeoutError } from './errors.js';
import { sleep } from './wait.js';

/** Evaluates `expression` in the page and checks the result against `schema`. */
export async function readPage<T>(
  page: Page,
  expression: string,
  schema: z.ZodType<T>,
): Promise<T> {
  return schema.parse(await page.evaluate(expression));
}

/** How often the page checks a condition it is waited on for. */
const IN_PAGE_POLL_MS = 50;

/**
 * Waits until `condition` (an expression) is truthy in the page, checked by the page's own
 * timer, and returns its value. One CDP call instead of Playwright's waitForFunction or a loop of
 * page.evaluate: those inject Playwright's helper scripts (≈ 330 KB for waitForFunction) into the
 * page while it joins, and evaluating them on the page's main thread made measured joins ≈ 200 ms
 * slower (p50 1,036 against 819 ms, and 1,105 against 890 ms for an evaluate loop, alternating
 * first visits in one run).
 */
export async function waitInPage(
  page: Page,
  what: string,
  condition: string,
  timeoutMs: number,
): Promise<unknown> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const expression = `new Promise((resolve) => {
      const until = performance.now() + ${timeoutMs};
      const poll = setInterval(() => {
        let value;
        try {
          value = (${condition});
        } catch {
          value = undefined; // not set up yet
        }
        if (!value && performance.now() < until) return;
        clearInterval(poll);
        resolve(value || null);
      }, ${IN_PAGE_POLL_MS});
    })`;
    const answer = (await cdp.send('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value?: unknown }; exceptionDetails?: { text?: string } };
    if (answer.exceptionDetails) {
      throw new Error(`waiting for ${what}: ${answer.exceptionDetails.text ?? 'exception'}`);
    }
    const value = answer.result.value;
    if (value === null || value === undefined) throw new BenchTimeoutError(what, timeoutMs);
    return value;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
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
