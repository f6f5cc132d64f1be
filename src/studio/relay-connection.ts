import { setTimeout as sleep } from 'node:timers/promises';
import { MoqError, MoqSession, SessionCloseCode, codeName } from '../moq/index.js';
import { RELAY_PROTOCOLS } from '../relay/index.js';
import { connect, type SessionStats, type TransportSession } from '../transport/index.js';
import { StudioError, describeError } from './studio-error.js';

/** How long reaching the relay and the MoQ setup may take before we call it unreachable. */
export const CONNECT_TIMEOUT_MS = 8_000;
/** Lets the last control messages (and the close itself) reach the relay. */
const CLOSE_FLUSH_MS = 150;

/** One MoQ session to the relay the studio publishes to. */
export class RelayConnection {
  private constructor(
    readonly session: MoqSession,
    readonly transport: TransportSession,
  ) {}

  /** Reaches the relay and runs the setup; failures are RELAY_UNREACHABLE or RELAY_REFUSED. */
  static async open(url: URL, signal: AbortSignal): Promise<RelayConnection> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(CONNECT_TIMEOUT_MS)]);
    let transport: TransportSession;
    try {
      transport = await connect(url, { protocols: RELAY_PROTOCOLS, signal: timeout });
    } catch (error) {
      throw unreachable(url, error, signal);
    }
    try {
      // Not given the signal: a session's signal closes the session when it fires, later too.
      const setup = MoqSession.connect(transport);
      // A setup that finishes after we gave up must not leave a session open at the relay.
      setup.then(
        (late) => timeout.aborted && late.close(),
        () => undefined,
      );
      const session = await untilAborted(setup, timeout);
      return new RelayConnection(session, transport);
    } catch (error) {
      transport.close({ closeCode: 0, reason: 'setup failed' });
      if (error instanceof MoqError) {
        const text = `${codeName(SessionCloseCode, error.code)}: ${error.reason || 'no reason'}`;
        throw new StudioError(
          'RELAY_REFUSED',
          `the relay at ${url.origin} refused the session (${text})`,
          'check the relay URL and token',
          { cause: error },
        );
      }
      throw unreachable(url, error, signal);
    }
  }

  /** Transport figures (RTT, bytes sent) where the transport has them (QUIC, not QMux). */
  stats(): SessionStats | undefined {
    const withStats = this.transport as TransportSession & { stats?: () => SessionStats };
    return typeof withStats.stats === 'function' ? withStats.stats() : undefined;
  }

  /** Ends the session cleanly; resolves once the transport closed. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.session.isClosed) await sleep(CLOSE_FLUSH_MS);
    this.session.close();
    await this.transport.closed.catch(() => undefined);
  }
}

function unreachable(url: URL, error: unknown, signal: AbortSignal): StudioError {
  if (signal.aborted) return new StudioError('INTERNAL', 'connecting was cancelled');
  return new StudioError(
    'RELAY_UNREACHABLE',
    `cannot reach the relay at ${url.origin}: ${describeError(error)}`,
    'check that the relay is running and that the host and port are right (and that a firewall lets UDP and TCP through)',
    { cause: error },
  );
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('no answer in time'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
