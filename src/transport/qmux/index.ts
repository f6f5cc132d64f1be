export { acceptQmux, type AcceptQmuxOptions } from './accept.js';
export { connectQmux, type ConnectQmuxOptions } from './connect.js';
export { MAX_MESSAGE_BYTES } from './limits.js';
export { QmuxError, type QmuxErrorCode } from './qmux-error.js';
export { QmuxSessionError, QmuxStreamError, type QmuxConfig } from './qmux-library.js';
export {
  QMUX_VERSIONS,
  clientSubprotocols,
  offeredAppProtocols,
  parseQmuxSubprotocol,
  qmuxOffers,
  selectQmuxSubprotocol,
  splitProtocolHeader,
  type QmuxOffer,
  type QmuxVersion,
} from './subprotocol.js';
