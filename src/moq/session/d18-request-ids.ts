import { MoqError, SessionCloseCode } from '../error/index.js';

/**
 * The peer's draft-18 Request IDs (§Request ID): its parity, each used once. Request streams
 * may arrive in any order, so ids are kept as "every one below `#floor`" plus the few above it
 * seen early: memory stays small however long the session runs.
 */
export class D18PeerRequestIds {
  #floor: number;
  readonly #above = new Set<number>();

  constructor(peerIsClient: boolean) {
    this.#floor = peerIsClient ? 0 : 1;
  }

  /** Records a new request's id; a wrong parity or a repeat is INVALID_REQUEST_ID. */
  accept(requestId: number): void {
    const parity = this.#floor % 2;
    if (requestId % 2 !== parity || requestId < this.#floor || this.#above.has(requestId)) {
      throw new MoqError(
        SessionCloseCode.INVALID_REQUEST_ID,
        `request id ${requestId}: ${requestId % 2 !== parity ? 'wrong parity' : 'used before'}`,
      );
    }
    this.#above.add(requestId);
    while (this.#above.delete(this.#floor)) this.#floor += 2;
  }

  /** The smallest id not seen yet below which all were seen (for GOAWAY). */
  get next(): number {
    return this.#above.size === 0 ? this.#floor : Math.max(...this.#above) + 2;
  }
}
