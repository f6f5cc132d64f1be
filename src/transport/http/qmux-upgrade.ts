import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  MAX_MESSAGE_BYTES,
  acceptQmux,
  offeredAppProtocols,
  qmuxOffers,
  selectQmuxSubprotocol,
  splitProtocolHeader,
} from '../qmux/index.js';
import type { AcceptedSession, SessionPolicy, SessionRequest } from '../session.js';
import { rejectUpgrade } from './reject-upgrade.js';
import { buildSessionRequest, decide } from './session-request.js';

export interface QmuxUpgradeOptions {
  scheme: 'http' | 'https';
  policy: SessionPolicy;
  /** Receives each session as soon as the upgrade completes, with its socket. */
  onSession: (accepted: AcceptedSession, socket: WebSocket) => void;
}

/**
 * Turns WebSocket upgrades into QMux sessions. Everything is decided before the handshake —
 * sub-protocol, policy, chosen protocol — so a refused client gets an HTTP status, never a
 * WebSocket that closes at once.
 */
export class QmuxUpgrade {
  // The sub-protocol chosen for each request, read back by `ws` while it answers the upgrade.
  readonly #chosen = new WeakMap<IncomingMessage, string>();
  readonly #server: WebSocketServer;
  #closed = false;

  constructor(private readonly options: QmuxUpgradeOptions) {
    this.#server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      handleProtocols: (_offered, req) => this.#chosen.get(req) ?? false,
    });
  }

  /** The `upgrade` event handler; never throws. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until `ws` owns the socket, a reset must not become an unhandled 'error' event.
    socket.on('error', () => undefined);
    try {
      this.#handle(req, socket, head);
    } catch {
      rejectUpgrade(socket, 500, 'internal error');
    }
  }

  /** Refuses new upgrades; sessions already open are the owner's to close. */
  close(): void {
    this.#closed = true;
    this.#server.close();
  }

  #handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closed) return rejectUpgrade(socket, 503, 'server is shutting down');
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      return rejectUpgrade(socket, 400, 'only WebSocket upgrades are served');
    }
    const offers = qmuxOffers(splitProtocolHeader(req.headers['sec-websocket-protocol']));
    if (offers.length === 0) return rejectUpgrade(socket, 400, 'no QMux sub-protocol offered');
    // A bare version among the offers means "no application protocol" is acceptable too.
    const bare = offers.some((offer) => offer.appProtocol === '');
    const appProtocols = offeredAppProtocols(offers);
    const offered = bare && appProtocols.length > 0 ? [...appProtocols, ''] : appProtocols;
    const request = buildSessionRequest(req, this.options.scheme, offered);
    if (!request) return rejectUpgrade(socket, 400, 'bad request target or Host header');
    const decision = decide(this.options.policy, request);
    if (!decision.accept) return rejectUpgrade(socket, decision.status, 'session refused');
    const subprotocol = selectQmuxSubprotocol(offers, decision.protocol);
    if (subprotocol === undefined) {
      const what = decision.protocol === '' ? 'no bare QMux version' : decision.protocol;
      return rejectUpgrade(socket, 400, `the client did not offer ${what}`);
    }
    this.#chosen.set(req, subprotocol);
    this.#server.handleUpgrade(req, socket, head, (ws) => this.#open(ws, request, subprotocol));
  }

  #open(ws: WebSocket, request: SessionRequest, subprotocol: string): void {
    if (this.#closed) return ws.terminate();
    const session = acceptQmux(ws, subprotocol);
    // QMux over TCP has no QUIC figures to report.
    this.options.onSession({ request, session, stats: () => undefined }, ws);
  }
}
