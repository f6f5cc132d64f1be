/**
 * The one session shape every transport delivers: the W3C `WebTransport` object, plus the
 * negotiated sub-protocol. `src/moq` runs over this whether the session is Chromium's own
 * WebTransport, ours over QUIC, or QMux over a WebSocket.
 */
export interface TransportSession extends WebTransport {
  /** The application protocol both sides agreed on ('' when none was negotiated). */
  readonly protocol: string;
  readonly datagrams: TransportDatagrams;
  readonly incomingBidirectionalStreams: ReadableStream<TransportStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  createBidirectionalStream(options?: WebTransportSendStreamOptions): Promise<TransportStream>;
  createUnidirectionalStream(
    options?: WebTransportSendStreamOptions,
  ): Promise<WritableStream<Uint8Array>>;
}

/** Datagrams with their byte types spelled out. */
export interface TransportDatagrams extends WebTransportDatagramDuplexStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** A bidirectional stream with its byte types spelled out (the DOM types say `any`). */
export interface TransportStream extends WebTransportBidirectionalStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/** Which wire carries a session. */
export type TransportKind = 'webtransport' | 'qmux';

/** Connection figures readable at any time; server-side ABR decides from them. */
export interface SessionStats {
  rttMs: number;
  cwndBytes: number;
  deliveryRateBytesPerSec: number;
  bytesSent: number;
  bytesReceived: number;
  bytesLost: number;
  packetsSent: number;
  packetsLost: number;
  /** Times the sender held packets back to pace them (QUIC connections that pace). */
  pacerHolds?: number;
}

/** A client asking to open a session; the server decides before any stream flows. */
export interface SessionRequest {
  readonly transport: TransportKind;
  readonly url: URL;
  readonly origin: string | undefined;
  /** Sub-protocols the client offered, in its order of preference. */
  readonly offeredProtocols: readonly string[];
  readonly remoteAddress: string;
}

/** A session the server accepted. */
export interface AcceptedSession {
  readonly request: SessionRequest;
  readonly session: TransportSession;
  /** Transport figures, or undefined where the transport has none (QMux over TCP). */
  stats(): SessionStats | undefined;
}

/**
 * The server's verdict on a request: accept (with the protocol it chose from the offer, '' for
 * none) or reject with an HTTP status.
 */
export type SessionDecision =
  { accept: true; protocol: string } | { accept: false; status: number };

/** Decides per request; the default accepts any path and picks the first protocol both know. */
export type SessionPolicy = (request: SessionRequest) => SessionDecision;

/** Picks the first protocol the client offered that the server supports ('' if no offer). */
export function chooseProtocol(
  offered: readonly string[],
  supported: readonly string[],
): string | undefined {
  if (offered.length === 0) return '';
  // '' in an offer (QMux: a bare `qmux-00` beside `qmux-00.moqt-16`) accepts "no protocol".
  return offered.find((p) => supported.includes(p)) ?? (offered.includes('') ? '' : undefined);
}

/**
 * The default server policy: any path; the first offered protocol we support; a client that
 * offers protocols but shares none with us is refused (400) rather than left unable to talk.
 */
export function defaultPolicy(supported: readonly string[]): SessionPolicy {
  return (request) => {
    const protocol = chooseProtocol(request.offeredProtocols, supported);
    if (protocol === undefined) return { accept: false, status: 400 };
    return { accept: true, protocol };
  };
}
