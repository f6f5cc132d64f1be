/**
 * Who published each name, and the names whose publisher vanished (its session died without
 * ending the broadcast): such a name is held for its owner for a grace period, so a stranger
 * cannot take it — and the viewers — while the owner reconnects. The owner is the session's token
 * rights when it had a token (any session with the same publish rights may take the name over at
 * once), else its remote address (which may only wait out the grace).
 */
export class NameHolds {
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #owners = new Map<string, string>();
  readonly #held = new Map<string, { owner: string; untilMs: number }>();

  constructor(graceMs: number, now: () => number = Date.now) {
    this.#graceMs = graceMs;
    this.#now = now;
  }

  /** Why `owner` may not publish `key` now; undefined when it may. */
  refusal(key: string, owner: string | undefined): string | undefined {
    const held = this.#held.get(key);
    if (!held) return undefined;
    const leftMs = held.untilMs - this.#now();
    if (leftMs <= 0 || held.owner === owner) {
      this.#held.delete(key);
      return undefined;
    }
    return `held for its publisher for another ${Math.ceil(leftMs / 1000)} s`;
  }

  /** Whether `owner` may displace the live publisher of `key` (its old session is dying). */
  mayTakeOver(key: string, owner: string | undefined): boolean {
    return owner !== undefined && owner.startsWith('token:') && this.#owners.get(key) === owner;
  }

  published(key: string, owner: string | undefined): void {
    this.#held.delete(key);
    if (owner) this.#owners.set(key, owner);
    else this.#owners.delete(key);
  }

  /** The broadcast ended: cleanly (the name is free), or with its session's death (held). */
  ended(key: string, vanished: boolean): void {
    const owner = this.#owners.get(key);
    this.#owners.delete(key);
    if (vanished && owner && this.#graceMs > 0) {
      this.#held.set(key, { owner, untilMs: this.#now() + this.#graceMs });
    }
  }
}

/** The owner key of a session: its token's publish rights, or its address. */
export function ownerKey(
  grant: { source: string; permissions: { publish: readonly string[] } },
  remoteAddress: string,
): string {
  if (grant.source === 'token') return `token:${[...grant.permissions.publish].sort().join(',')}`;
  return `addr:${remoteAddress}`;
}
