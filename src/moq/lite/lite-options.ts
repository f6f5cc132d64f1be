import type { BroadcastProducer, TrackOptions } from '../model/index.js';
import type { Announcement } from '../session/index.js';

/**
 * What a moq-lite session asks of its host (the relay): the same hooks a draft-14/16 session
 * takes, so both write into and read from one model. A hook refuses a request by throwing; the
 * request's stream is reset and the session lives on.
 */
export interface LiteSessionOptions {
  /** Finds what serves the peer's SUBSCRIBE and TRACK for a namespace. */
  resolveBroadcast: (namespace: readonly string[]) => BroadcastProducer | undefined;
  /** The peer announced a broadcast; its tracks are subscribed on demand. */
  onPublishNamespace: (broadcast: BroadcastProducer) => void;
  /** The peer asks what is under a prefix: those live now, then each change. */
  announcements: (prefix: readonly string[], signal: AbortSignal) => AsyncIterable<Announcement>;
  /** Options for the tracks this session subscribes from the peer (cache bounds). */
  trackOptions?: TrackOptions;
  /** A frame larger than this closes the session (default 16 MiB). */
  maxObjectBytes?: number;
  /** Why a refused or failed request was dropped (the relay logs it). */
  onRequestError?: (what: string, error: Error) => void;
}

export const DEFAULT_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/** After the publisher ends a subscription, how long its last groups may still be arriving. */
export const TRAILING_GROUPS_GRACE_MS = 2000;
