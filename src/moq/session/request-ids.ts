import { MoqError, SessionCloseCode } from '../error/index.js';
import { ChangeSignal } from '../model/index.js';

/**
 * Our request IDs (§9.1): clients use even ids, servers odd, each new request +2, and never at
 * or past the peer's MAX_REQUEST_ID. A request that would pass it waits for more credit.
 */
export class RequestIdAllocator {
  #next: number;
  #peerMax: number;
  #changed = new ChangeSignal();
  #blockedAt = -1;

  constructor(isClient: boolean, peerMax: number) {
    this.#next = isClient ? 0 : 1;
    this.#peerMax = peerMax;
  }

  /** The peer raised its limit (MAX_REQUEST_ID); lowering it is a protocol violation. */
  raise(max: number): void {
    if (max < this.#peerMax) {
      throw MoqError.protocolViolation(`MAX_REQUEST_ID lowered to ${max} from ${this.#peerMax}`);
    }
    this.#peerMax = max;
    this.#changed.notify();
  }

  /** `count` ids were used before this allocator existed (requests written ahead for it). */
  skip(count: number): void {
    this.#next += count * 2;
  }

  /** The next id; calls `onBlocked(max)` once per limit it waits at (REQUESTS_BLOCKED). */
  async next(onBlocked: (max: number) => void, signal?: AbortSignal): Promise<number> {
    while (this.#next >= this.#peerMax) {
      if (this.#blockedAt !== this.#peerMax) {
        this.#blockedAt = this.#peerMax;
        onBlocked(this.#peerMax);
      }
      await this.#changed.changed(signal);
    }
    const id = this.#next;
    this.#next += 2;
    return id;
  }
}

/**
 * Checks the peer's request IDs (§9.1) and keeps at most `limit` of its requests open at once:
 * MAX_REQUEST_ID only grows as requests finish, so a peer that floods us runs into
 * TOO_MANY_REQUESTS instead of into our memory.
 */
export class PeerRequestIds {
  #expected: number;
  #max: number;
  readonly #limit: number;
  /**
   * Draft-16 carries requests on more than one stream (SUBSCRIBE_NAMESPACE has its own), so
   * they may arrive out of order: ids ahead of the next expected one wait here, each once.
   */
  readonly #early: Set<number> | undefined;

  constructor(isClient: boolean, limit: number, unordered = false) {
    this.#expected = isClient ? 1 : 0;
    this.#limit = limit;
    this.#max = this.#expected + limit * 2;
    this.#early = unordered ? new Set() : undefined;
  }

  /** The limit we last advertised (ids below it are allowed). */
  get max(): number {
    return this.#max;
  }

  /** Validates a new request's id; throws the session error the draft names. */
  accept(requestId: number): void {
    if (requestId >= this.#max) {
      throw new MoqError(
        SessionCloseCode.TOO_MANY_REQUESTS,
        `request id ${requestId} at or past MAX_REQUEST_ID ${this.#max}`,
      );
    }
    if (this.#early && requestId > this.#expected && (requestId - this.#expected) % 2 === 0) {
      if (this.#early.has(requestId)) throw invalid(requestId, 'used twice');
      this.#early.add(requestId);
      return;
    }
    if (requestId !== this.#expected) throw invalid(requestId, `expected ${this.#expected}`);
    this.#expected += 2;
    while (this.#early?.delete(this.#expected)) this.#expected += 2;
  }

  /**
   * A new MAX_REQUEST_ID to advertise now that `open` requests are live, or undefined while the
   * peer still has at least half its allowance left (one message per half window, not per request).
   */
  grant(open: number): number | undefined {
    const candidate = this.#expected + Math.max(0, this.#limit - open) * 2;
    if (candidate - this.#max < this.#limit) return undefined;
    this.#max = candidate;
    return this.#max;
  }
}

function invalid(requestId: number, why: string): MoqError {
  return new MoqError(SessionCloseCode.INVALID_REQUEST_ID, `request id ${requestId}, ${why}`);
}
