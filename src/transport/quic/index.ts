export { QuicConnection, type QuicConnectionHandler, type StreamRead } from './quic-connection.js';
export {
  QuicServerEndpoint,
  connectQuic,
  type EndpointStats,
  type QuicConnectOptions,
  type QuicListenOptions,
} from './quic-endpoint.js';
export { type BatcherStats } from './datagram-batcher.js';
export { udpBatchAddon, UDP_BATCH_ENV, UDP_GSO_ENV, type UdpBatchMode } from './udp-batch-addon.js';
export { QuicError, type QuicErrorCode } from './quic-error.js';
export { type PacerOptions } from './pacer.js';
export {
  createQuicheConfig,
  pacingFor,
  QUIC_PACING_ENV,
  QUIC_CC_ENV,
  defaultCongestionControl,
  type CongestionControl,
  type QuicOptions,
  type TlsMaterial,
} from './quic-options.js';
export { CidForwarder, FORWARD_SECRET_BYTES, type QuicRouting } from './cid-forwarder.js';
