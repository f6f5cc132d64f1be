/** The transports a relay client may race: QUIC (WebTransport) and QMux over a WebSocket. */
export type TransportKind = 'webtransport' | 'websocket';

/** What the caller allows: both (raced, QUIC first) or one of them. */
export type TransportChoice = 'auto' | 'quic' | 'websocket';

export interface DialInit {
  /** Application protocols to offer, preferred first. */
  protocols: string[];
  /** Set for http:// relay URLs: the certificate to accept, by hash. */
  serverCertificateHashes?: Array<{ algorithm: 'sha-256'; value: Uint8Array<ArrayBuffer> }>;
  signal: AbortSignal;
}

/** Opens a W3C-`WebTransport`-shaped session and resolves once it is ready. */
export type Dial<T extends WebTransport = WebTransport> = (url: URL, init: DialInit) => Promise<T>;

/**
 * How this runtime opens each transport: the browser's own `WebTransport` and `@moq/qmux` in a
 * page, the Node polyfill and QMux client from `src/transport` under Node. A missing dialer is a
 * transport this runtime does not have.
 */
export interface Dialers<T extends WebTransport = WebTransport> {
  webTransport?: Dial<T>;
  webSocket?: Dial<T>;
}
