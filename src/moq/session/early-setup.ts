/**
 * What was written on a control stream before the session's own code ran: the watch page's
 * inline script writes the player's CLIENT_SETUP as soon as its early WebTransport session is
 * up (src/relay/watch/early-session.ts), and with it the SUBSCRIBEs the player starts with, so
 * the relay's SERVER_SETUP, its SUBSCRIBE_OKs and the newest group wait in the session when the
 * player's script starts instead of round trips after it. The stream is marked with the bytes
 * written: the client's setup sends nothing when its own CLIENT_SETUP is those bytes, and the
 * session adopts the SUBSCRIBEs (early-requests.ts).
 */
export interface EarlyWrite {
  /** A whole CLIENT_SETUP. */
  setup: Uint8Array;
  /** Whole SUBSCRIBE messages written right after it (draft-14 framing), if any. */
  requests?: Uint8Array;
}

const sentEarly = new WeakMap<object, EarlyWrite>();

/** Marks `stream` as carrying `written` already. */
export function markSetupSent(stream: object, written: EarlyWrite): void {
  sentEarly.set(stream, written);
}

/** What was already written on `stream`, if anything. */
export function setupSentOn(stream: object): EarlyWrite | undefined {
  return sentEarly.get(stream);
}
