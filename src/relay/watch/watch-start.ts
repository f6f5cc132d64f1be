import { Lagged, earlySubscribeBytes, type TrackConsumer } from '../../moq/index.js';
import {
  audioTracks,
  CATALOG_TRACK,
  decodeCatalog,
  videoRenditions,
  type Catalog,
} from '../../media/catalog/index.js';
import { startRequests } from '../../media/player-browser/index.js';
import type { Origin } from '../origin.js';
import type { TrackWarmer } from './track-warmer.js';

/**
 * What the watch page carries so its player skips round trips (issue 14, join): the
 * certificate hash it would GET from /certificate.sha256, and the broadcast's MSF catalog as
 * the relay holds it (object 0 of the catalog track's newest group, MSF §Catalog).
 */
export interface WatchStart {
  certificateSha256: string;
  /** The catalog's JSON text, when the relay has (or quickly gets) one that parses. */
  catalogJson?: string;
  /**
   * The application protocols the player offers, preferred first: with them the page's inline
   * script opens the player's session early (early-session.ts).
   */
  protocols?: readonly string[];
  /** The player's CLIENT_SETUP (base64) for that script to write, and the protocols it fits. */
  clientSetup?: { base64: string; protocols: readonly string[] };
  /**
   * The SUBSCRIBEs (base64) a player with the page's default options starts with on the
   * catalog, for that script to write behind the CLIENT_SETUP (same protocols).
   */
  earlyRequests?: string;
}

/** A catalog the page carries: its text, and what it says. */
export interface InlineCatalog {
  json: string;
  catalog: Catalog;
}

/** A catalog larger than this is left to the player's own subscription (pages stay small). */
const MAX_INLINE_CATALOG_BYTES = 64 * 1024;
/**
 * How long the page waits for a catalog the relay does not hold yet (it asks the publisher): a
 * loopback or same-region round trip fits well inside; past it the page goes without.
 */
export const CATALOG_WAIT_MS = 150;

/**
 * The newest catalog of the broadcast at `namespace`, from the relay's cache, or asked for
 * upstream and waited for up to `waitMs`. Undefined when there is none in time, or it is not
 * an MSF catalog: the player then reads the catalog track as it always did. With a `warmer`,
 * the catalog's media tracks are subscribed upstream for the player about to ask for them.
 */
export async function cachedCatalog(
  origin: Origin,
  namespace: readonly string[],
  warmer?: TrackWarmer,
  waitMs = CATALOG_WAIT_MS,
): Promise<InlineCatalog | undefined> {
  const broadcast = origin.route([...namespace]);
  if (!broadcast || broadcast.namespace.join('/') !== namespace.join('/')) return undefined;
  let consumer: TrackConsumer;
  try {
    consumer = broadcast.subscribe(CATALOG_TRACK, 'latest');
  } catch {
    return undefined; // no catalog track (a hang broadcast, or not there yet)
  }
  try {
    const signal = AbortSignal.timeout(waitMs);
    const group = await consumer.nextGroup(signal);
    if (!group || group instanceof Lagged) return undefined;
    const first = await group.readObject(signal);
    if (!first || first.objectId !== 0) return undefined;
    const inline = inlineJson(first.payload);
    if (inline === undefined) return undefined;
    warmer?.warm(broadcast, inline.tracks);
    return { json: inline.text, catalog: inline.catalog };
  } catch {
    return undefined; // not in time, or the track ended: the page goes without
  } finally {
    consumer.close();
  }
}

/** The catalog's text when it is an MSF catalog small enough to inline, and its media tracks. */
function inlineJson(
  payload: Uint8Array,
): { text: string; tracks: string[]; catalog: Catalog } | undefined {
  if (payload.byteLength > MAX_INLINE_CATALOG_BYTES) return undefined;
  try {
    const catalog = decodeCatalog(payload);
    const tracks = [...videoRenditions(catalog), ...audioTracks(catalog)].map((t) => t.name);
    return { text: new TextDecoder().decode(payload), tracks, catalog };
  } catch {
    return undefined; // not UTF-8, not JSON, or not a catalog: the player reads the track
  }
}

/**
 * The player's starting SUBSCRIBEs as the page writes them; undefined when the player would
 * read this catalog some other way (a track whose init data does not parse: it reads the
 * catalog track then) or start on nothing.
 */
export function earlyRequests(catalog: Catalog, namespace: readonly string[]): string | undefined {
  try {
    const requests = startRequests(catalog, namespace);
    if (requests.length === 0) return undefined;
    return Buffer.from(earlySubscribeBytes(requests)).toString('base64');
  } catch {
    return undefined;
  }
}
