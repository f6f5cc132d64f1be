// The one relay client, runtime-agnostic: the URL convention (http:// → certificate hash),
// transports raced with a head start for QUIC and the winner remembered, one timeout policy,
// the version offers, a flushing close and typed errors. Each runtime passes its own dialers:
// `browserDialers()` in a page, `nodeDialers` from src/transport under Node.
export { browserDialers } from './browser-dialers.js';
export { certificateHashFromHex } from './certificate-hash.js';
export { connectRelay } from './connect-relay.js';
export {
  openedEarly,
  setupSentEarly,
  takeEarlyTransport,
  type EarlyTransport,
} from './early-transport.js';
export {
  CONNECT_TIMEOUT_MS,
  QUIC_HEAD_START_MS,
  dialRelay,
  forgetTransportWinners,
  type DialRelayOptions,
  type DialedRelay,
} from './dial-relay.js';
export type { Dial, DialInit, Dialers, TransportChoice, TransportKind } from './dialers.js';
export { OFFERED_PROTOCOLS, protocolsForDraft } from './protocols.js';
export {
  CERTIFICATE_HASH_TIMEOUT_MS,
  fetchCertificateHash,
  type CertificateHashOptions,
} from './certificate-hash.js';
export { RelayClientError, type RelayClientErrorCode } from './relay-client-error.js';
export { RelayConnection } from './relay-connection.js';
export { displayUrl, parseRelayUrl } from './relay-url.js';
