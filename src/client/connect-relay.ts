import { MoqError, MoqSession } from '../moq/index.js';
import { withTimeout } from '../async/index.js';
import type { Dialers } from './dialers.js';
import { CONNECT_TIMEOUT_MS, dialRelay, type DialRelayOptions } from './dial-relay.js';
import { RelayClientError } from './relay-client-error.js';
import { RelayConnection } from './relay-connection.js';

/**
 * Reaches a relay and runs the MoQ setup: the one way every client (CLIs, studio, player) opens
 * a session. Failures are RelayClientErrors: BAD_URL, UNREACHABLE, TIMEOUT, REFUSED (the relay
 * answered the setup with an error, its MoqError the cause) or ABORTED.
 */
export async function connectRelay<T extends WebTransport>(
  url: string | URL,
  dialers: Dialers<T>,
  options: DialRelayOptions = {},
): Promise<RelayConnection<T>> {
  const started = Date.now();
  const { transport, kind } = await dialRelay(url, dialers, options);
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  const setup = MoqSession.connect(transport);
  try {
    const remainingMs = Math.max(1, timeoutMs - (Date.now() - started));
    const session = await withTimeout(setup, remainingMs, 'the MoQ setup');
    return new RelayConnection(session, transport, kind);
  } catch (error) {
    // A setup that completes after we gave up must not leave a session open at the relay.
    setup.then(
      (late) => late.close(),
      () => undefined,
    );
    try {
      transport.close({ closeCode: 0, reason: 'setup failed' });
    } catch {
      // Already closed.
    }
    if (error instanceof MoqError) {
      const reason = error.reason || `code 0x${error.code.toString(16)}`;
      throw new RelayClientError('REFUSED', `the relay refused the session: ${reason}`, {
        cause: error,
      });
    }
    const code = options.signal?.aborted ? 'ABORTED' : 'TIMEOUT';
    throw new RelayClientError(code, `no MoQ setup from the relay: ${String(error)}`, {
      cause: error,
    });
  }
}
