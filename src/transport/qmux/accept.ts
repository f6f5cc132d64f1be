import type { WebSocket } from 'ws';
import type { TransportSession } from '../session.js';
import { QmuxSession, type QmuxConfig, type QmuxSocket } from './qmux-library.js';

export interface AcceptQmuxOptions {
  config?: QmuxConfig;
}

/**
 * Runs the server role of QMux over a WebSocket that has just been upgraded. `subprotocol` is
 * the value the server answered with (e.g. `qmux-02.moq-lite-03`): it fixes the wire version,
 * and its application part becomes the session's `protocol`. Pass it explicitly so the session
 * never falls back to the legacy `webtransport` framing if the socket does not report it.
 */
export function acceptQmux(
  socket: WebSocket,
  subprotocol: string,
  options: AcceptQmuxOptions = {},
): TransportSession {
  return QmuxSession.accept(socket as unknown as QmuxSocket, {
    protocol: subprotocol,
    config: options.config,
  });
}
