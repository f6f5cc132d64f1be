// The transport layer: WebTransport over HTTP/3 on QUIC and QMux over WebSocket, behind one
// W3C-WebTransport-shaped session, served together on one port number.
export { TransportServer, type TransportServerOptions } from './transport-server.js';
export { DEFAULT_CONNECTION_TIMEOUTS, type ConnectionTimeouts } from './http/index.js';
export {
  chooseProtocol,
  defaultPolicy,
  type AcceptedSession,
  type SessionDecision,
  type SessionPolicy,
  type SessionRequest,
  type SessionStats,
  type TransportKind,
  type TransportSession,
} from './session.js';
export { TransportError, type TransportErrorSource } from './transport-error.js';
export {
  WebTransportServer,
  connectWebTransport,
  type ClientSession,
  type WebTransportConnectOptions,
  type WebTransportServerOptions,
} from './webtransport/index.js';
export {
  CopyingSession,
  NodeWebTransport,
  copyingWritable,
  installWebTransportPolyfill,
} from './webtransport/index.js';
export { connectQmux, type ConnectQmuxOptions } from './qmux/index.js';
export {
  CertificateStore,
  certificateFromPem,
  generateCertificate,
  loadCertificate,
} from './cert/index.js';
export type { CertificateMaterial, CertificateStoreOptions } from './cert/index.js';
export type { CongestionControl, EndpointStats, QuicRouting } from './quic/index.js';
export { CidForwarder, FORWARD_SECRET_BYTES } from './quic/index.js';
export { FailsComponentsServer } from './fails-components/index.js';
export { nodeDialers } from './node-dialers.js';
