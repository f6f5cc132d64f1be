import type { ControlMessage } from '../message/index.js';

/**
 * What the session needs of its control plane: messages in draft-14 shapes, in and out. Drafts
 * 14/16 carry them on one bidirectional stream (`ControlStream`); draft-18 spreads them over a
 * pair of unidirectional control streams and a bidirectional stream per request
 * (`D18Control`), which turns them back into the same shapes.
 */
export interface ControlChannel {
  /** Queues a message; rejects if the channel failed (the session then ends). */
  send(message: ControlMessage): Promise<void>;
  /** The peer's messages in order; throws the session-scope MoqError that ends it. */
  messages(signal?: AbortSignal): AsyncGenerator<ControlMessage>;
  /** Resolves once queued messages are written, or after `timeoutMs`. */
  flushed(timeoutMs: number): Promise<void>;
}
