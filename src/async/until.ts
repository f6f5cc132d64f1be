import { delay } from './abortable.js';
import { TimeoutError } from './timeout.js';

export interface UntilOptions {
  /** Give up after this long (default 10 s: generous, for a busy machine). */
  timeoutMs?: number;
  /** Time between probes (default 50 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits for a condition that has no event of its own: probes until it returns something other
 * than `undefined` or `false`, and returns that. A probe that throws counts as "not yet"; the
 * TimeoutError names `what`, the last value seen and the last error, so a failing test says why.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: UntilOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastSeen: unknown;
  for (;;) {
    try {
      const found = await probe();
      if (found !== undefined && found !== false) return found;
      lastSeen = found;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline)
      throw new TimeoutError(describeTimeout(what, timeoutMs, lastSeen, lastError));
    await delay(intervalMs, signal);
  }
}

function describeTimeout(
  what: string,
  timeoutMs: number,
  lastSeen: unknown,
  lastError: unknown,
): string {
  const parts = [`timed out after ${timeoutMs} ms waiting for ${what}`];
  if (lastError !== undefined) {
    parts.push(
      `last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`,
    );
  }
  if (lastSeen !== undefined && lastSeen !== false)
    parts.push(`last seen: ${JSON.stringify(lastSeen)}`);
  return parts.join('; ');
}
