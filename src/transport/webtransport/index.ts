export { WebTransportServer, type WebTransportServerOptions } from './webtransport-server.js';
export {
  connectWebTransport,
  type ClientSession,
  type WebTransportConnectOptions,
} from './webtransport-client.js';
export { WebTransportSession, type BidiStream } from './wt-session.js';
export { parseStringList, formatString } from './connect-request.js';
export {
  CopyingSession,
  NodeWebTransport,
  copyingWritable,
  installWebTransportPolyfill,
} from './webtransport-polyfill.js';
