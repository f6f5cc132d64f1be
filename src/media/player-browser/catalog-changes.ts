/**
 * Tells waiters when the broadcast's catalog changed or its track ended. A media track that ends
 * is either the broadcast ending (its catalog track ends with it) or one rendition taken away (a
 * studio dropping a rung it cannot encode in real time republishes the catalog without it): the
 * player waits on this to tell the two apart.
 */
export class CatalogChanges {
  #waiters: Array<() => void> = [];
  #ended = false;

  /** Whether the catalog track has ended (the broadcast is over). */
  get ended(): boolean {
    return this.#ended;
  }

  /** A new catalog was taken into use. */
  changed(): void {
    this.#wake();
  }

  /** The catalog track ended. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /**
   * After a media track ended: 'rendition removed' as soon as `removed()` holds (checked now and
   * at each catalog change), else 'broadcast ended' once the catalog track ended, `waitMs`
   * passed, or `signal` aborted.
   */
  async whyEnded(
    removed: () => boolean,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<'rendition removed' | 'broadcast ended'> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      if (removed()) return 'rendition removed';
      const leftMs = deadline - performance.now();
      if (this.#ended || leftMs <= 0 || signal.aborted) return 'broadcast ended';
      await this.#next(leftMs, signal);
    }
  }

  /** Whether the catalog track ends within `waitMs` (false at once when `signal` aborts). */
  async endedWithin(waitMs: number, signal: AbortSignal): Promise<boolean> {
    await this.whyEnded(() => false, waitMs, signal);
    return this.#ended;
  }

  /** Resolves at the next change or end, or after `timeoutMs`, or when `signal` aborts. */
  #next(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#ended || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.push(done);
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
