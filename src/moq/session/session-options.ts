import type { AuthToken, SwitchingSetEntry } from '../message/index.js';
import type {
  BroadcastProducer,
  BudgetAccount,
  TrackConsumer,
  TrackOptions,
} from '../model/index.js';

/** A subscriber asking for a switching set; the set has been decoded and checked. */
export interface SwitchingSetRequest {
  broadcast: BroadcastProducer;
  /** The reader returned is closed when the subscription ends (its track then goes idle). */
  entries: readonly SwitchingSetEntry[];
}

/** A broadcast appearing or going away under a watched prefix. */
export interface Announcement {
  namespace: readonly string[];
  active: boolean;
}

/** What a client said in CLIENT_SETUP that a server may check before answering. */
export interface ClientSetupInfo {
  /** PATH (native QUIC only; over WebTransport the path is the request's). */
  path: string | undefined;
  /** AUTHORIZATION TOKEN parameters (§AUTHORIZATION TOKEN), decoded. */
  authorizationTokens: AuthToken[];
}

export interface MoqSessionOptions {
  /**
   * Server side: runs after CLIENT_SETUP, before SERVER_SETUP. Throw a session-scope MoqError
   * to refuse the session with its code (e.g. UNAUTHORIZED).
   */
  onClientSetup?: (setup: ClientSetupInfo) => void | Promise<void>;
  /** Client side: sent in CLIENT_SETUP as an AUTHORIZATION TOKEN (USE_VALUE, type 0). */
  authorizationToken?: string;
  /** Requests the peer may have open at once (MAX_REQUEST_ID grows as they finish). */
  maxRequests?: number;
  /**
   * Finds what serves the peer's SUBSCRIBE/FETCH/TRACK_STATUS for a namespace. Default: the
   * broadcasts this session published.
   */
  resolveBroadcast?: (namespace: readonly string[]) => BroadcastProducer | undefined;
  /**
   * The peer announced a broadcast (PUBLISH_NAMESPACE); its tracks are subscribed on demand.
   * Throw a request-scope MoqError to refuse it (PUBLISH_NAMESPACE_ERROR).
   */
  onPublishNamespace?: (broadcast: BroadcastProducer) => void;
  /**
   * The peer asks for announcements under a prefix (SUBSCRIBE_NAMESPACE). Throw a request-scope
   * MoqError to refuse. Without it, the session refuses with NOT_SUPPORTED.
   */
  onSubscribeNamespace?: (
    prefix: readonly string[],
    signal: AbortSignal,
  ) => AsyncIterable<Announcement>;
  /**
   * A SUBSCRIBE with a SWITCHING_SET of two or more tracks: returns the reader whose groups the
   * session sends (chosen among the set's tracks). Throw a request-scope MoqError to refuse.
   * Without it such a subscription is refused with NOT_SUPPORTED.
   */
  openSwitchingSet?: (request: SwitchingSetRequest) => TrackConsumer;
  /** Groups of one subscription in flight at once; older ones are dropped past this. */
  maxInflightGroups?: number;
  /** Cache for tracks this session receives. */
  trackOptions?: TrackOptions;
  /**
   * Client side: how long SUBSCRIBEs written on the control stream before the session started
   * (a watch page's, early-requests.ts) wait for a subscription of ours to adopt them; the rest
   * are ended then. Default EARLY_ADOPT_MS.
   */
  earlyAdoptMs?: number;
  /** Largest object accepted on a data stream. */
  maxObjectBytes?: number;
  /**
   * A data stream that stops this long inside an object (or a header) is cancelled and its
   * group cut (§Data Streams: DATA_STREAM_TIMEOUT; we stop only the stream). Default 10 s.
   */
  objectStallMs?: number;
  /** Partial objects on data streams draw from this (the relay's memory budget). */
  budget?: BudgetAccount;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_REQUESTS = 1000;
export const DEFAULT_MAX_INFLIGHT_GROUPS = 3;
export const DEFAULT_OBJECT_STALL_MS = 10_000;
/** How long a data stream may wait for the SUBSCRIBE_OK that names its track alias. */
export const ALIAS_WAIT_MS = 2000;
/** How long after PUBLISH_DONE late streams may still arrive. */
export const LATE_STREAM_MS = 2000;
