import Session, { SessionError, StreamError, type Config } from '@moq/qmux';

/**
 * @moq/qmux under the names this project uses. Code imports it from here, never directly, so the
 * library's surface stays in one place.
 */
export { Session as QmuxSession, SessionError as QmuxSessionError, StreamError as QmuxStreamError };

/** Flow-control limits and idle timeout of a QMux session (@moq/qmux's `Config`). */
export type QmuxConfig = Config;

/** What `new QmuxSession(socket)` and `QmuxSession.accept(socket)` take as a socket. */
export type QmuxSocket = Parameters<typeof Session.accept>[0];
