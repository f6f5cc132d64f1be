import type { Page } from 'playwright-core';
import { z } from 'zod';
import { readPage } from './sampler.js';

const timingSchema = z.object({
  responseEnd: z.number(),
  domContentLoaded: z.number(),
  scripts: z.array(z.object({ name: z.string(), responseEnd: z.number(), bytes: z.number() })),
});

const TIMING_EXPRESSION = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const scripts = performance.getEntriesByType('resource')
    .filter((e) => e.initiatorType === 'script')
    .map((e) => ({ name: new URL(e.name).pathname, responseEnd: e.responseEnd, bytes: e.decodedBodySize }));
  return { responseEnd: nav ? nav.responseEnd : -1, domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1, scripts };
})()`;

/**
 * Where a join's first milliseconds went before the player could start: the page's arrival,
 * its scripts' arrival, DOMContentLoaded (all since navigation start).
 */
export async function pageTimingNote(page: Page): Promise<string> {
  const t = await readPage(page, TIMING_EXPRESSION, timingSchema);
  const scripts = t.scripts.map(
    (s) => `${s.name} (${Math.round(s.bytes / 1024)} KiB) at ${Math.round(s.responseEnd)} ms`,
  );
  return (
    `page timing: HTML at ${Math.round(t.responseEnd)} ms, ` +
    (scripts.length > 0 ? `${scripts.join(', ')}, ` : '') +
    `DOMContentLoaded at ${Math.round(t.domContentLoaded)} ms`
  );
}
