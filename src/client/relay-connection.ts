import type { MoqError, MoqSession } from '../moq/index.js';
import type { TransportKind } from './dialers.js';

/**
 * One MoQ session to a relay and the transport under it. Its close is the one way clients end a
 * session: it waits until the session has flushed (ended tracks delivered, PUBLISH_DONE and
 * queued control messages out — MoqSession bounds each step) and the transport has closed, so a
 * caller may exit right after it without sleeping.
 */
export class RelayConnection<T extends WebTransport = WebTransport> {
  constructor(
    readonly session: MoqSession,
    readonly transport: T,
    readonly kind: TransportKind,
  ) {}

  /** Settles when the session has ended, whoever ended it. */
  get closed(): Promise<void> {
    return this.session.closed.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Ends the session (NO_ERROR, or `error`'s code) and waits for it to be flushed. Safe twice. */
  async close(error?: MoqError): Promise<void> {
    this.session.close(error);
    await this.closed;
    await this.transport.closed.then(
      () => undefined,
      () => undefined,
    );
  }
}
