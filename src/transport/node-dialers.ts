import { connectQmux } from './qmux/index.js';
import { connectWebTransport } from './webtransport/index.js';
import type { TransportSession } from './session.js';

interface NodeDialInit {
  protocols: string[];
  serverCertificateHashes?: Array<{ algorithm: 'sha-256'; value: Uint8Array }>;
  signal: AbortSignal;
}

/**
 * How Node opens each transport, in the shape the relay client (`src/client`) races: WebTransport
 * over our QUIC, and QMux over a WebSocket. The client owns the URL convention, the race and the
 * timeouts; these only dial.
 */
export const nodeDialers = {
  webTransport: (url: URL, init: NodeDialInit): Promise<TransportSession> =>
    connectWebTransport(url, init),
  webSocket: (url: URL, init: NodeDialInit): Promise<TransportSession> =>
    connectQmux(url, { protocols: init.protocols, signal: init.signal }),
};
