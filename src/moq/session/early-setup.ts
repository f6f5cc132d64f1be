/**
 * A CLIENT_SETUP written on a control stream before the session's own code ran: the watch page's
 * inline script writes the player's setup as soon as its early WebTransport session is up
 * (src/relay/watch/early-session.ts), so the relay's SERVER_SETUP waits in the stream when the
 * player's script starts instead of a round trip after it. The stream is marked with the bytes
 * written; the client's setup then sends nothing when its own CLIENT_SETUP is those bytes.
 */
const sentEarly = new WeakMap<object, Uint8Array>();

/** Marks `stream` as carrying `bytes`, a whole CLIENT_SETUP, already written. */
export function markSetupSent(stream: object, bytes: Uint8Array): void {
  sentEarly.set(stream, bytes);
}

/** The CLIENT_SETUP already written on `stream`, if any. */
export function setupSentOn(stream: object): Uint8Array | undefined {
  return sentEarly.get(stream);
}
