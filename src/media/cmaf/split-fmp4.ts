import type { Fmp4Part } from './cmaf-types.js';
import { Fmp4Splitter, type Fmp4SplitterOptions } from './fmp4-splitter.js';

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Waits for a promise unless the signal aborts first (then rejects with its reason). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(asError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

/**
 * The parts of a single-track fMP4 byte stream as they complete: the init segment first, then
 * one CMAF chunk per moof + mdat. Ends when the source ends (an incomplete tail or no init is an
 * Fmp4Error); an abort stops the read at once and closes the source.
 */
export async function* splitFmp4(
  source: AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
  options?: Fmp4SplitterOptions,
): AsyncGenerator<Fmp4Part> {
  const splitter = new Fmp4Splitter(options);
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const next = await untilAborted(iterator.next(), signal);
      if (next.done) {
        done = true;
        break;
      }
      yield* splitter.push(next.value);
    }
    splitter.end();
  } finally {
    // Stop the source if we leave early (abort, error, or the consumer stopped reading).
    if (!done) void iterator.return?.().catch(() => undefined);
  }
}
