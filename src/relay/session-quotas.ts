/** Limits on what one client may hold; 0 or Infinity means no limit. */
export interface QuotaLimits {
  /** Sessions open at once from one remote address (counted from transport accept). */
  maxSessionsPerAddress: number;
  /** Sessions open at once carrying the same `?jwt=` token. */
  maxSessionsPerToken: number;
  /** Namespaces one session may have announced at once. */
  maxAnnouncesPerSession: number;
}

/** A place in the quotas that one session holds until it ends. */
export interface QuotaTicket {
  readonly address: string;
  readonly token: string | undefined;
  /** Gives the place back; safe to call twice. */
  release(this: void): void;
}

export type Admission = { ok: true; ticket: QuotaTicket } | { ok: false; reason: string };

/**
 * Sessions per remote address and per token, counted from the moment the transport is accepted
 * (so sessions that never finish setup count too). The token is the raw `?jwt=` query value:
 * checking it is the auth layer's job; this only keys by it.
 */
export class SessionQuotas {
  readonly #limits: QuotaLimits;
  readonly #byAddress = new Map<string, number>();
  readonly #byToken = new Map<string, number>();

  constructor(limits: QuotaLimits) {
    this.#limits = limits;
  }

  admit(remoteAddress: string, url: URL): Admission {
    const address = normalizeAddress(remoteAddress);
    const token = url.searchParams.get('jwt') || undefined;
    if (over(this.#byAddress, address, this.#limits.maxSessionsPerAddress)) {
      return { ok: false, reason: `too many sessions from ${address}` };
    }
    if (token !== undefined && over(this.#byToken, token, this.#limits.maxSessionsPerToken)) {
      return { ok: false, reason: 'too many sessions with this token' };
    }
    bump(this.#byAddress, address, 1);
    if (token !== undefined) bump(this.#byToken, token, 1);
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      bump(this.#byAddress, address, -1);
      if (token !== undefined) bump(this.#byToken, token, -1);
    };
    return { ok: true, ticket: { address, token, release } };
  }

  /** Whether a session holding `count` announcements may add one more. */
  mayAnnounce(count: number): boolean {
    const limit = this.#limits.maxAnnouncesPerSession;
    return !(limit > 0) || count < limit;
  }
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) is 1.2.3.4. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function over(counts: Map<string, number>, key: string, limit: number): boolean {
  return limit > 0 && (counts.get(key) ?? 0) >= limit;
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
