/**
 * Something holding cached groups that can give its oldest one back (a track's cache). The
 * budget asks the cache that could give the most bytes back first.
 */
export interface BudgetCache {
  /** Bytes held in the groups it could drop now (all but the newest). */
  evictableBytes(): number;
  /** Drops its oldest group (its bytes are released through the cache's account). */
  evictOldest(): void;
}

/**
 * One relay-wide cap on the bytes its sessions make it hold: objects arriving on data streams
 * (partial objects) and every track's cache. Each session draws through its own
 * `BudgetAccount`. Over the limit, the oldest cached groups of the track caching the most go
 * first — a track of small groups (audio, chat, a data feed) is not cut because a video track
 * beside it filled the budget, and dropping it would free next to nothing. When the caches could
 * not bring the relay under the limit even emptied (a session's partial objects fill it), they
 * are left whole and the session holding the most is told (once) to go, with a reason.
 */
export class MemoryBudget {
  readonly limitBytes: number;
  readonly #accounts = new Set<BudgetAccount>();
  readonly #caches = new Set<BudgetCache>();
  #usedBytes = 0;
  #peakBytes = 0;
  #reclaiming = false;
  #evictions = 0;
  #sessionsClosed = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** Starts a new peak from what is held now (e.g. per metrics interval). */
  resetPeak(): void {
    this.#peakBytes = this.#usedBytes;
  }

  /** Groups dropped from caches to stay under the limit. */
  get evictions(): number {
    return this.#evictions;
  }

  /** Sessions told to go because they held the most when over the limit. */
  get sessionsClosed(): number {
    return this.#sessionsClosed;
  }

  /** An account for one session; `onOverBudget` closes it (called at most once). */
  account(name: string, onOverBudget: (reason: string) => void): BudgetAccount {
    const account = new BudgetAccount(this, name, onOverBudget);
    this.#accounts.add(account);
    return account;
  }

  /** Registers a cache the budget may shrink; the returned function unregisters it. */
  addCache(cache: BudgetCache): () => void {
    this.#caches.add(cache);
    return () => this.#caches.delete(cache);
  }

  /** Internal to BudgetAccount. */
  adjust(deltaBytes: number): void {
    this.#usedBytes += deltaBytes;
    if (deltaBytes > 0 && this.#usedBytes > this.limitBytes) this.#reclaim();
    // The peak is what stays held once a charge has been dealt with.
    if (this.#usedBytes > this.#peakBytes) this.#peakBytes = this.#usedBytes;
  }

  /** Internal to BudgetAccount. */
  forget(account: BudgetAccount): void {
    this.#accounts.delete(account);
  }

  #reclaim(): void {
    if (this.#reclaiming) return;
    this.#reclaiming = true;
    try {
      // Groups are dropped only when dropping them can bring the relay under its limit: when what
      // is held is mostly a session's partial objects, emptying every cache beside it would cost
      // its viewers groups and still leave the budget over.
      const leaving = this.#leavingBytes();
      let evictable = 0;
      for (const cache of this.#caches) evictable += cache.evictableBytes();
      if (evictable < this.#usedBytes - leaving - this.limitBytes) {
        this.#closeGreediest(leaving);
        return;
      }
      while (this.#usedBytes - leaving > this.limitBytes) {
        const cache = this.#largestCache();
        if (!cache) break;
        cache.evictOldest();
        this.#evictions++;
      }
      this.#closeGreediest(this.#leavingBytes());
    } finally {
      this.#reclaiming = false;
    }
  }

  /** Bytes held by sessions already told to go: they will be given back. */
  #leavingBytes(): number {
    let leaving = 0;
    for (const account of this.#accounts) if (account.told) leaving += account.bytes;
    return leaving;
  }

  #largestCache(): BudgetCache | undefined {
    let largest: BudgetCache | undefined;
    let largestBytes = 0;
    for (const cache of this.#caches) {
      const bytes = cache.evictableBytes();
      if (bytes > largestBytes) {
        largest = cache;
        largestBytes = bytes;
      }
    }
    return largest;
  }

  /**
   * Bytes of sessions already told to go (`leavingBytes`) will be freed: only tell another if
   * not enough.
   */
  #closeGreediest(leavingBytes: number): void {
    let leaving = leavingBytes;
    while (this.#usedBytes - leaving > this.limitBytes) {
      let greediest: BudgetAccount | undefined;
      for (const account of this.#accounts) {
        if (!account.told && account.bytes > (greediest?.bytes ?? 0)) greediest = account;
      }
      if (!greediest) return;
      leaving += greediest.bytes;
      this.#sessionsClosed++;
      greediest.tell(
        `over the relay's memory budget (${mib(this.#usedBytes)} of ${mib(this.limitBytes)} MiB; ` +
          `this session holds ${mib(greediest.bytes)} MiB)`,
      );
    }
  }
}

/** What one session holds against the budget. `close()` gives back whatever is left. */
export class BudgetAccount {
  readonly name: string;
  readonly #budget: MemoryBudget;
  readonly #onOverBudget: (reason: string) => void;
  #bytes = 0;
  #closed = false;
  #told = false;

  constructor(budget: MemoryBudget, name: string, onOverBudget: (reason: string) => void) {
    this.#budget = budget;
    this.name = name;
    this.#onOverBudget = onOverBudget;
  }

  get budget(): MemoryBudget {
    return this.#budget;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get told(): boolean {
    return this.#told;
  }

  charge(sizeBytes: number): void {
    if (this.#closed || sizeBytes <= 0) return;
    this.#bytes += sizeBytes;
    this.#budget.adjust(sizeBytes);
  }

  release(sizeBytes: number): void {
    if (this.#closed || sizeBytes <= 0) return;
    const released = Math.min(sizeBytes, this.#bytes);
    this.#bytes -= released;
    this.#budget.adjust(-released);
  }

  /** Internal to MemoryBudget. */
  tell(reason: string): void {
    if (this.#told) return;
    this.#told = true;
    this.#onOverBudget(reason);
  }

  /** Releases everything still charged; later charges and releases are ignored. Safe twice. */
  close(): void {
    if (this.#closed) return;
    this.release(this.#bytes);
    this.#closed = true;
    this.#budget.forget(this);
  }
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
