import { certificateHashFromHex } from './certificate-hash.js';

/**
 * A WebTransport session the watch page's inline script opened before the player's script ran
 * (src/relay/watch/early-session.ts): the join's handshake overlaps the page's load.
 */
export interface EarlyTransport {
  /** The session URL, as `URL.href`. */
  url: string;
  protocols: string[];
  /** Hex; empty when the browser's own trust was used (https:// pages). */
  certificateSha256: string;
  transport: WebTransport;
  /** The session's first bidirectional stream, opened once the session was ready. */
  stream?: Promise<WebTransportBidirectionalStream>;
}

declare global {
  var moqEarlyTransport: EarlyTransport | undefined;
}

/** The transports taken over from the page, so a player can report its join honestly. */
const taken = new WeakSet<WebTransport>();

/**
 * The page's early session when it was opened for exactly this dial (URL, protocols in order,
 * certificate); it is handed out once. One opened for anything else is closed, never reused:
 * a session offering other protocols or trusting another certificate is not the one asked for.
 */
export function takeEarlyTransport(
  url: URL,
  protocols: readonly string[],
  certificateHash: Uint8Array | undefined,
): WebTransport | undefined {
  const early = globalThis.moqEarlyTransport;
  if (early === undefined) return undefined;
  globalThis.moqEarlyTransport = undefined;
  const earlyHash = certificateHashFromHex(early.certificateSha256);
  const matches =
    early.url === url.href &&
    sameItems(early.protocols, protocols) &&
    (earlyHash === undefined || certificateHash === undefined
      ? earlyHash === certificateHash
      : sameItems(earlyHash, certificateHash));
  if (matches) {
    taken.add(early.transport);
    if (early.stream) handOutFirst(early.transport, early.stream);
    return early.transport;
  }
  try {
    early.transport.close({ closeCode: 0, reason: 'not the session the player dialled' });
  } catch {
    // Already closed.
  }
  return undefined;
}

/**
 * The transport's next createBidirectionalStream() answers with the stream the page already
 * opened (the MoQ setup's control stream); later calls open new ones as usual. An own property
 * shadows the prototype's method on this one object only.
 */
function handOutFirst(
  transport: WebTransport,
  opened: Promise<WebTransportBidirectionalStream>,
): void {
  const open = transport.createBidirectionalStream.bind(transport);
  let first: Promise<WebTransportBidirectionalStream> | undefined = opened;
  transport.createBidirectionalStream = (options?: WebTransportSendStreamOptions) => {
    const stream = first;
    first = undefined;
    return stream ?? open(options);
  };
}

function sameItems<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether this transport is one the page opened early (see takeEarlyTransport). */
export function openedEarly(transport: WebTransport): boolean {
  return taken.has(transport);
}
