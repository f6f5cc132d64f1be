import {
  connectRelay,
  RelayClientError,
  type RelayConnection as ClientConnection,
} from '../client/index.js';
import { MoqError, SessionCloseCode, codeName } from '../moq/index.js';
import { nodeDialers, type SessionStats, type TransportSession } from '../transport/index.js';
import { StudioError, describeError } from './studio-error.js';

/** One MoQ session to the relay the studio publishes to (the relay client's connection). */
export class RelayConnection {
  readonly #connection: ClientConnection<TransportSession>;

  private constructor(connection: ClientConnection<TransportSession>) {
    this.#connection = connection;
  }

  get session(): ClientConnection['session'] {
    return this.#connection.session;
  }

  get transport(): TransportSession {
    return this.#connection.transport;
  }

  /** Reaches the relay and runs the setup; failures are RELAY_UNREACHABLE or RELAY_REFUSED. */
  static async open(url: URL, signal: AbortSignal): Promise<RelayConnection> {
    try {
      return new RelayConnection(await connectRelay(url, nodeDialers, { signal }));
    } catch (error) {
      throw studioErrorFor(url, error, signal);
    }
  }

  /** Transport figures (RTT, bytes sent) where the transport has them (QUIC, not QMux). */
  stats(): SessionStats | undefined {
    const withStats = this.transport as TransportSession & { stats?: () => SessionStats };
    return typeof withStats.stats === 'function' ? withStats.stats() : undefined;
  }

  /** Ends the session once it has flushed; resolves once the transport closed. Safe twice. */
  close(): Promise<void> {
    return this.#connection.close();
  }
}

function studioErrorFor(url: URL, error: unknown, signal: AbortSignal): StudioError {
  if (signal.aborted) return new StudioError('INTERNAL', 'connecting was cancelled');
  const refused = error instanceof RelayClientError && error.code === 'REFUSED';
  if (refused && error.cause instanceof MoqError) {
    const cause = error.cause;
    const text = `${codeName(SessionCloseCode, cause.code)}: ${cause.reason || 'no reason'}`;
    return new StudioError(
      'RELAY_REFUSED',
      `the relay at ${url.origin} refused the session (${text})`,
      'check the relay URL and token',
      { cause: error },
    );
  }
  return new StudioError(
    'RELAY_UNREACHABLE',
    error instanceof RelayClientError
      ? error.message
      : `cannot reach the relay at ${url.origin}: ${describeError(error)}`,
    'check that the relay is running and that the host and port are right (and that a firewall lets UDP and TCP through)',
    { cause: error },
  );
}
