import { markSetupSent } from '../moq/index.js';
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
  /**
   * The player's CLIENT_SETUP, written on that stream by the page (undefined once settled when
   * the write failed): the relay's SERVER_SETUP is then waiting when the player starts.
   */
  setup?: Promise<Uint8Array | undefined>;
  /**
   * The SUBSCRIBEs the player starts with, written in the same write right behind the setup
   * (src/moq/session/early-requests.ts); set before that write.
   */
  requests?: Uint8Array;
  /**
   * Set once the player opened its own first stream, or closed the session as not the one it
   * dialled: the page then opens none (its stream would come first, and the relay would wait
   * for a setup on it).
   */
  declined?: boolean;
}

declare global {
  var moqEarlyTransport: EarlyTransport | undefined;
}

/** The transports taken over from the page, so a player can report its join honestly. */
const taken = new WeakSet<WebTransport>();
/** Of those, the ones whose control stream carried the player's CLIENT_SETUP already. */
const setupTaken = new WeakSet<WebTransport>();

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
    handOutFirst(early);
    return early.transport;
  }
  early.declined = true;
  try {
    early.transport.close({ closeCode: 0, reason: 'not the session the player dialled' });
  } catch {
    // Already closed.
  }
  return undefined;
}

/**
 * The transport's next createBidirectionalStream() answers with the stream the page opened (the
 * MoQ setup's control stream). Taken before the session was up, it waits for it: the page opens
 * its stream and writes the setup as soon as the session is ready (its reaction to `ready` runs
 * before this one), so a player whose script won the race still finds the setup — and the
 * SUBSCRIBEs behind it — sent. Later calls, and a first one that finds no stream of the page's,
 * open new ones as usual. An own property shadows the prototype's method on this one object
 * only. A CLIENT_SETUP the page wrote is waited for (the page's writer holds the stream until
 * then) and marked on the stream, so the setup does not send it again, and the SUBSCRIBEs
 * written behind it are adopted (src/moq/session/early-setup.ts).
 */
function handOutFirst(early: EarlyTransport): void {
  const { transport } = early;
  const open = transport.createBidirectionalStream.bind(transport);
  let first = true;
  transport.createBidirectionalStream = (options?: WebTransportSendStreamOptions) => {
    if (!first) return open(options);
    first = false;
    if (early.stream) return adopt(early, early.stream);
    return transport.ready.then(() => {
      if (early.stream) return adopt(early, early.stream);
      early.declined = true;
      return open(options);
    });
  };
}

function adopt(
  early: EarlyTransport,
  opened: Promise<WebTransportBidirectionalStream>,
): Promise<WebTransportBidirectionalStream> {
  if (!early.setup) return opened;
  const requests = early.requests;
  return Promise.all([opened, early.setup]).then(([stream, bytes]) => {
    if (bytes) {
      markSetupSent(stream, requests ? { setup: bytes, requests } : { setup: bytes });
      setupTaken.add(early.transport);
    }
    return stream;
  });
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

/** Whether the page also wrote this transport's CLIENT_SETUP (see handOutFirst). */
export function setupSentEarly(transport: WebTransport): boolean {
  return setupTaken.has(transport);
}
