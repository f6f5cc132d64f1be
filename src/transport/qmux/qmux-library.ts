// The polyfill goes first so it is in place before any @moq/qmux code can run.
import './promise-with-resolvers.js';
import Session, { SessionError, StreamError, type Config } from '@moq/qmux';

/**
 * @moq/qmux, safe to use under Node 20. Code in this project imports it from here, never
 * directly, so the polyfill cannot be forgotten.
 */
export { Session as QmuxSession, SessionError as QmuxSessionError, StreamError as QmuxStreamError };

/** Flow-control limits and idle timeout of a QMux session (@moq/qmux's `Config`). */
export type QmuxConfig = Config;

/** What `new QmuxSession(socket)` and `QmuxSession.accept(socket)` take as a socket. */
export type QmuxSocket = Parameters<typeof Session.accept>[0];
