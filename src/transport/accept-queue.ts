import type { AcceptedSession } from './session.js';

/** Sessions nobody accept()s are refused beyond this, rather than piling up. */
export const MAX_PENDING_SESSIONS = 256;

interface Waiter<T> {
  resolve: (value: T | undefined) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Hands accepted sessions to `next()` callers in arrival order. After `close()` every waiter and
 * later call gets undefined, which is how a server loop learns the frontend has stopped.
 */
export class AcceptQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #closed = false;

  /** `abortError` makes the rejection an aborted `next()` gets (default: the signal's reason). */
  constructor(
    private readonly capacity: number,
    private readonly abortError: (signal: AbortSignal) => Error = (signal) =>
      signal.reason instanceof Error ? signal.reason : new Error('aborted'),
  ) {}

  /** False when closed or full: the caller must dispose of the item itself. */
  push(item: T): boolean {
    if (this.#closed) return false;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#settle(waiter);
      waiter.resolve(item);
      return true;
    }
    if (this.#items.length >= this.capacity) return false;
    this.#items.push(item);
    return true;
  }

  next(signal?: AbortSignal): Promise<T | undefined> {
    if (signal?.aborted) return Promise.reject(this.abortError(signal));
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, signal, onAbort: () => this.#abort(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Stops the queue and returns what nobody took, for the owner to close. */
  close(): T[] {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      this.#settle(waiter);
      waiter.resolve(undefined);
    }
    return this.#items.splice(0);
  }

  #abort(waiter: Waiter<T>): void {
    const index = this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
    if (waiter.signal) waiter.reject(this.abortError(waiter.signal));
  }

  #settle(waiter: Waiter<T>): void {
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}

/** Queues an accepted session, or closes it when the queue is full or closed. */
export function offerSession(queue: AcceptQueue<AcceptedSession>, accepted: AcceptedSession): void {
  if (queue.push(accepted)) return;
  accepted.session.close({ closeCode: 503, reason: 'server busy' });
}
