// Screenshots for the README, written only when asked (`UPDATE_SCREENSHOTS=1 npm run test:e2e`),
// so an ordinary test run never rewrites tracked files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const SHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');

/** True when this run writes the README's screenshots (and may wait for prettier pictures). */
export const UPDATING_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

/** Saves `docs/screenshots/NAME` when UPDATE_SCREENSHOTS=1; otherwise does nothing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!UPDATING_SCREENSHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) });
}
