import { MoqError, type MoqSession, type TrackConsumer } from '../../moq/index.js';
import {
  CATALOG_TRACK,
  CatalogError,
  decodeCatalog,
  HANG_CATALOG_TRACK,
  readCatalogs,
  type Catalog,
  type CatalogFormat,
  videoRenditions,
} from '../catalog/index.js';
import { PlayerError, type PlayerErrorCode } from './player-error.js';

/** Retrying a broadcast that is not live yet: at least this far apart, at most this long. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
/** The catalog tracks a broadcast may carry, in the order they are tried. */
const CATALOG_TRACKS: ReadonlyArray<readonly [string, CatalogFormat]> = [
  [CATALOG_TRACK, 'msf'],
  [HANG_CATALOG_TRACK, 'hang'],
];

/** A catalog track subscribed, with its first catalog read and the updates still to come. */
export interface OpenedCatalog {
  consumer: TrackConsumer;
  updates: AsyncGenerator<Catalog>;
  first: Catalog;
  format: CatalogFormat;
}

export interface CatalogRequest {
  session: MoqSession;
  namespace: readonly string[];
  /** The broadcast's name, for messages. */
  name: string;
  signal: AbortSignal;
  /** What the viewer is waiting for meanwhile (undefined, undefined: nothing any more). */
  waiting(code: PlayerErrorCode | undefined, reason: string | undefined): void;
}

/**
 * The catalog: MSF's `catalog` and hang's `catalog.json` are asked for at once and the first
 * to deliver a catalog wins (a hang publisher may accept the MSF subscription and end it at
 * once). A broadcast that is not live yet is waited for (its announcement, or a retry every
 * few seconds), so a viewer may open the page before the stream starts.
 */
export async function openCatalog(request: CatalogRequest): Promise<OpenedCatalog> {
  const { signal } = request;
  let announced = false;
  for (;;) {
    const attempts = CATALOG_TRACKS.map(([track, format]) => tryCatalog(request, track, format));
    try {
      const winner = await Promise.any(attempts);
      for (const attempt of attempts) {
        attempt.then(
          (other) => other !== winner && other.consumer.close(),
          () => undefined,
        );
      }
      request.waiting(undefined, undefined);
      return winner;
    } catch (error) {
      const failures = error instanceof AggregateError ? (error.errors as unknown[]) : [error];
      if (signal.aborted) throw new PlayerError('ABORTED', 'the player was closed');
      if (!failures.every(refusedRequest)) {
        const readable = failures.find((f) => !(f instanceof MoqError)) ?? failures[0];
        throw readable instanceof Error ? readable : new Error(String(readable));
      }
    }
    // Announced, yet its catalog tracks refused: a broadcast in some other format.
    if (announced) {
      request.waiting('NO_CATALOG', 'no MSF catalog (nor a hang catalog.json) on this broadcast');
    } else request.waiting('NOT_LIVE', 'not live: waiting for the broadcast to start');
    announced = await whenAnnounced(request);
  }
}

/**
 * The catalog the watch page carried, when it is one this player reads (it lists a video
 * rendition); undefined for a missing or bad one, never a failure: the catalog track is read
 * instead.
 */
export function pageCatalog(json: string | undefined): Catalog | undefined {
  if (json === undefined) return undefined;
  try {
    const catalog = decodeCatalog(new TextEncoder().encode(json));
    return videoRenditions(catalog).length > 0 ? catalog : undefined;
  } catch {
    return undefined;
  }
}

/** The subscription was refused at the request level (the track is not there, yet). */
export function refusedRequest(error: unknown): boolean {
  return error instanceof MoqError && error.scope === 'request';
}

/** One catalog track up to its first catalog; rejects when refused, ended or unreadable. */
async function tryCatalog(
  request: CatalogRequest,
  track: string,
  format: CatalogFormat,
): Promise<OpenedCatalog> {
  const consumer = await request.session.subscribe(request.namespace, track);
  const updates = readCatalogs(consumer, request.signal, format);
  try {
    const next = await updates.next().catch((error: unknown) => {
      throw unreadableCatalog(error, format);
    });
    if (next.done) throw new PlayerError('NO_CATALOG', `${request.name} has no ${track}`);
    return { consumer, updates, first: next.value, format };
  } catch (error) {
    consumer.close();
    throw error;
  }
}

/** True when the broadcast was seen announced (then a retry may succeed at once). */
async function whenAnnounced({ session, namespace, signal }: CatalogRequest): Promise<boolean> {
  const pause = new Promise((resolve) => setTimeout(resolve, RETRY_MIN_MS));
  const wait = AbortSignal.any([signal, AbortSignal.timeout(RETRY_MAX_MS)]);
  const key = namespace.join('/');
  let seen = false;
  try {
    for await (const announcement of session.announced(namespace, wait)) {
      if (announcement.active && announcement.namespace.join('/') === key) {
        seen = true;
        break;
      }
    }
  } catch {
    // Discovery refused or timed out: retrying the subscription is the fallback.
  }
  await pause; // never a hot loop, whatever discovery did
  if (signal.aborted) throw new PlayerError('ABORTED', 'the player was closed');
  return seen;
}

/** A catalog that does not decode, as the player reports it (NO_CATALOG, naming the format). */
export function unreadableCatalog(error: unknown, format: CatalogFormat): unknown {
  if (!(error instanceof CatalogError)) return error;
  const kind = format === 'hang' ? 'hang' : 'MSF';
  return new PlayerError('NO_CATALOG', `no readable ${kind} catalog: ${error.message}`, {
    cause: error,
  });
}
