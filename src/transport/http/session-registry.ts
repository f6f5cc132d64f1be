import type { WebSocket } from 'ws';
import type { TransportSession } from '../session.js';

/**
 * The QMux sessions whose sockets are still open, so shutting down can close each one. Keyed by
 * socket rather than session: a session ends before its socket does, and only a closed socket
 * lets the listener finish closing.
 */
export class SessionRegistry {
  readonly #live = new Map<WebSocket, TransportSession>();

  add(session: TransportSession, socket: WebSocket): void {
    this.#live.set(socket, session);
    socket.once('close', () => this.#live.delete(socket));
  }

  get size(): number {
    return this.#live.size;
  }

  /** Closes every session politely, then cuts sockets still open after `graceMs`. */
  async closeAll(graceMs: number): Promise<void> {
    const entries = [...this.#live];
    await Promise.all(entries.map(([socket, session]) => closeOne(socket, session, graceMs)));
  }
}

function closeOne(socket: WebSocket, session: TransportSession, graceMs: number): Promise<void> {
  session.close({ closeCode: 0, reason: 'server shutting down' });
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, graceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
