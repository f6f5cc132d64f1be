import {
  browserDialers,
  certificateHashFromHex,
  connectRelay as connectWithClient,
  openedEarly,
  protocolsForDraft,
  RelayClientError,
  setupSentEarly,
} from '../../client/index.js';
import type { MoqSession } from '../../moq/index.js';
import { PlayerError } from './player-error.js';
import type { RelayTransport } from './player-types.js';

export interface ConnectRelayOptions {
  signal?: AbortSignal;
  /** `auto` races native WebTransport (with a head start) against QMux over WebSocket. */
  transport?: RelayTransport | 'auto';
  /** The relay's certificate SHA-256 (hex) when the page carries it: no GET before QUIC. */
  certificateSha256?: string;
  /** Offer only this MoQ Transport draft. */
  draft?: number;
}

/** A MoQ session to the relay, and which transport carries it. */
export interface RelayConnection {
  session: MoqSession;
  transport: RelayTransport;
  /** The page opened this session before the player's script ran (the watch page's inline script). */
  openedEarly: boolean;
  /** The page also wrote the MoQ setup on it: the relay's answer was waiting. */
  setupSentEarly: boolean;
  /** Ends the session once it has flushed. */
  close(): Promise<void>;
}

/** The page's side of the one relay client: its dialers, and failures as PlayerErrors. */
export async function connectRelay(
  url: string,
  options: ConnectRelayOptions = {},
): Promise<RelayConnection> {
  const choice = options.transport === 'webtransport' ? 'quic' : (options.transport ?? 'auto');
  // A malformed hash is ignored: the client fetches the real one.
  const certificateHash =
    options.certificateSha256 === undefined
      ? undefined
      : certificateHashFromHex(options.certificateSha256);
  try {
    const connection = await connectWithClient(url, browserDialers(), {
      transport: choice,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(certificateHash ? { certificateHash } : {}),
      ...(options.draft === undefined ? {} : { protocols: protocolsForDraft(options.draft) }),
    });
    return {
      session: connection.session,
      transport: connection.kind,
      openedEarly: openedEarly(connection.transport),
      setupSentEarly: setupSentEarly(connection.transport),
      close: () => connection.close(),
    };
  } catch (error) {
    if (error instanceof RelayClientError && error.code === 'BAD_URL') {
      throw new PlayerError('BAD_URL', error.message, { cause: error });
    }
    if (error instanceof RelayClientError && error.code === 'ABORTED') {
      throw new PlayerError('ABORTED', 'connecting was cancelled', { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new PlayerError('CONNECT_FAILED', `cannot reach the relay: ${message}`, { cause: error });
  }
}
