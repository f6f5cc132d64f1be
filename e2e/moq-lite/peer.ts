/**
 * A typed test peer over the third-party MoQ library `@moq/lite`, for interop tests against our
 * relay: connect over WebSocket (QMux) or WebTransport (our QUIC polyfill), publish a track
 * whose bytes are known in advance, subscribe and collect what arrives, watch announcements.
 */
import { Broadcast, Connection, Group, Path, type AnnouncedEntry, type Track } from '@moq/lite';
import { WebSocket } from 'ws';
import { installWebTransportPolyfill } from '../../src/transport/index.js';

export type LiteConnection = Connection.Established;
export type LiteTransport = 'websocket' | 'webtransport';

export interface NodeGlobalsOptions {
  /** Install our QUIC-backed `globalThis.WebTransport` (default true). */
  webTransport?: boolean;
  /** Drop @moq/lite's console.debug chatter (default false). */
  quiet?: boolean;
}

/**
 * What @moq/lite expects from a browser and Node 20 lacks: `Promise.withResolvers` (imported
 * above for its side effect), `Set.prototype.difference` (its moq-lite publisher diffs announce
 * sets with it), `WebSocket`, and optionally `WebTransport`.
 */
export function installNodeGlobals(options: NodeGlobalsOptions = {}): void {
  installSetDifference();
  const scope = globalThis as { WebSocket?: unknown };
  scope.WebSocket ??= WebSocket;
  if (options.webTransport !== false) installWebTransportPolyfill();
  if (options.quiet) console.debug = () => undefined;
}

function installSetDifference(): void {
  const proto = Set.prototype as { difference?: unknown };
  if (typeof proto.difference === 'function') return;
  Object.defineProperty(Set.prototype, 'difference', {
    value: function difference<T>(this: Set<T>, other: ReadonlySet<T>): Set<T> {
      return new Set([...this].filter((item) => !other.has(item)));
    },
    writable: true,
    configurable: true,
  });
}

export interface ConnectLiteOptions {
  transport: LiteTransport;
  /** For https:// URLs; with http:// @moq/lite fetches /certificate.sha256 itself. */
  serverCertificateHashes?: WebTransportHash[];
}

/**
 * Connects with @moq/lite's own `connect()`, pinned to one transport so a test knows which wire
 * it exercised (left alone, @moq/lite races both and takes the first that connects).
 */
export async function connectLite(
  url: string | URL,
  options: ConnectLiteOptions,
): Promise<LiteConnection> {
  const target = new URL(url);
  if (options.transport === 'webtransport') {
    if (typeof globalThis.WebTransport !== 'function')
      throw new Error('no WebTransport: call installNodeGlobals() first');
    const webtransport = options.serverCertificateHashes
      ? { serverCertificateHashes: options.serverCertificateHashes }
      : undefined;
    return Connection.connect(target, { websocket: { enabled: false }, webtransport });
  }
  return withoutWebTransport(() => Connection.connect(target, { websocket: { delay: 0 } }));
}

/**
 * @moq/lite has no switch to skip WebTransport; it reads `globalThis.WebTransport` once, in the
 * synchronous part of connect(). Hiding it for exactly that call leaves WebSocket the only runner.
 */
function withoutWebTransport<T>(start: () => Promise<T>): Promise<T> {
  const scope = globalThis as { WebTransport?: unknown };
  const saved = scope.WebTransport;
  scope.WebTransport = undefined;
  try {
    return start();
  } finally {
    scope.WebTransport = saved;
  }
}

/** The groups to publish for each subscription; payloads are a pure function of (group, object). */
export interface GroupPlan {
  groups: number;
  objectsPerGroup: number;
  /** Group ID of the first group (default 0). */
  firstGroup?: number;
  /** Pause between groups, so a late subscriber still sees some (default 0). */
  intervalMs?: number;
  payload?: (group: number, object: number) => Uint8Array;
  /**
   * End the track after the last group (default false: stay open until unsubscribed). @moq/lite
   * sends PUBLISH_DONE as soon as the track ends, racing the last groups' streams, and its
   * subscriber drops groups still in flight when PUBLISH_DONE arrives.
   */
  endTrack?: boolean;
}

/** `g:o` as text: readable in logs, unique per object. */
export function textPayload(group: number, object: number): Uint8Array {
  return new TextEncoder().encode(`${group}:${object}`);
}

/** Deterministic bytes of a given size whose content still depends on (group, object). */
export function patternPayload(sizeBytes: number): (group: number, object: number) => Uint8Array {
  return (group, object) => {
    const out = new Uint8Array(sizeBytes);
    for (let i = 0; i < sizeBytes; i++) out[i] = (i * 31 + group * 7 + object) & 0xff;
    return out;
  };
}

/** What a plan produces, as subscribeLite reports it: for building expected results. */
export function expectedGroups(plan: GroupPlan): ReceivedGroup[] {
  const payload = plan.payload ?? textPayload;
  const first = plan.firstGroup ?? 0;
  return Array.from({ length: plan.groups }, (_, i) => ({
    group: first + i,
    objects: Array.from({ length: plan.objectsPerGroup }, (_, o) => payload(first + i, o)),
  }));
}

export interface LitePublication {
  readonly broadcast: Broadcast;
  /** Subscriptions to our track served so far. */
  readonly served: number;
  /** Track names asked for that we do not publish. */
  readonly unknownTracks: readonly string[];
  /** Ends the broadcast (PUBLISH_NAMESPACE_DONE / announce ended). */
  close(): void;
}

/**
 * Publishes one track under a broadcast path and plays the plan to every subscriber. @moq/lite
 * announces the path at once (PUBLISH_NAMESPACE in draft-14) and answers subscriptions itself.
 */
export function publishLite(
  connection: LiteConnection,
  broadcastPath: string,
  trackName: string,
  plan: GroupPlan,
): LitePublication {
  const broadcast = new Broadcast();
  const unknownTracks: string[] = [];
  const state = { served: 0 };
  connection.publish(Path.from(broadcastPath), broadcast);
  void (async () => {
    for (
      let request = await broadcast.requested();
      request;
      request = await broadcast.requested()
    ) {
      if (request.track.name !== trackName) {
        unknownTracks.push(request.track.name);
        request.track.close(new Error(`no track ${request.track.name}`));
        continue;
      }
      state.served++;
      const track = request.track;
      playPlan(track, plan).catch((error: unknown) => track.close(toError(error)));
    }
  })().catch(() => undefined);
  return {
    broadcast,
    get served() {
      return state.served;
    },
    unknownTracks,
    close: () => broadcast.close(),
  };
}

async function playPlan(track: Track, plan: GroupPlan): Promise<void> {
  const payload = plan.payload ?? textPayload;
  const first = plan.firstGroup ?? 0;
  for (let i = 0; i < plan.groups; i++) {
    if (i > 0 && plan.intervalMs) await untilClosedOr(track, plan.intervalMs);
    if (isClosed(track)) return;
    const group = new Group(first + i);
    track.writeGroup(group);
    for (let o = 0; o < plan.objectsPerGroup; o++) group.writeFrame(payload(first + i, o));
    group.close();
  }
  if (plan.endTrack) track.close();
}

function isClosed(track: Track): boolean {
  return track.state.closed.peek() !== false;
}

async function untilClosedOr(track: Track, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([elapsed, track.closed]);
  clearTimeout(timer);
}

export interface ReceivedGroup {
  group: number;
  objects: Uint8Array[];
}

export interface SubscribeLiteOptions {
  /** Stop (and unsubscribe) once this many complete groups arrived. */
  groups: number;
  /** Stop early; what arrived so far is returned. */
  signal?: AbortSignal;
  priority?: number;
}

/**
 * Subscribes (SUBSCRIBE in draft-14) and collects whole groups, sorted by group ID. Resolves
 * when enough groups arrived, the publisher ended the track, or `signal` aborted; rejects if
 * the subscription failed (e.g. SUBSCRIBE_ERROR).
 */
export async function subscribeLite(
  connection: LiteConnection,
  broadcastPath: string,
  trackName: string,
  options: SubscribeLiteOptions,
): Promise<ReceivedGroup[]> {
  const broadcast = connection.consume(Path.from(broadcastPath));
  const track = broadcast.subscribe(trackName, options.priority ?? 0);
  const received: ReceivedGroup[] = [];
  const stop = aborted(options.signal);
  try {
    while (received.length < options.groups) {
      const group = await Promise.race([track.recvGroup(), stop.promise]);
      if (!group) break;
      const objects = await Promise.race([readGroup(group), stop.promise]);
      if (!objects) break;
      received.push({ group: group.sequence, objects });
    }
  } finally {
    stop.dispose();
    track.close();
    broadcast.close();
  }
  return received.sort((a, b) => a.group - b.group);
}

async function readGroup(group: Group): Promise<Uint8Array[]> {
  const objects: Uint8Array[] = [];
  for (let frame = await group.readFrame(); frame; frame = await group.readFrame())
    objects.push(frame);
  return objects;
}

/** A promise that resolves (to undefined) when the signal aborts; dispose() detaches it. */
function aborted(signal: AbortSignal | undefined): {
  promise: Promise<undefined>;
  dispose: () => void;
} {
  if (!signal)
    return { promise: new Promise<undefined>(() => undefined), dispose: () => undefined };
  let onAbort = (): void => undefined;
  const promise = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * Announcements under a prefix (SUBSCRIBE_NAMESPACE in draft-14), as full broadcast paths,
 * until `signal` aborts or the connection ends.
 */
export async function* announcedLite(
  connection: LiteConnection,
  prefix: string,
  signal?: AbortSignal,
): AsyncGenerator<AnnouncedEntry> {
  const announced = connection.announced(Path.from(prefix));
  const stop = aborted(signal);
  try {
    for (;;) {
      const entry = await Promise.race([announced.next(), stop.promise]);
      if (!entry) return;
      yield entry;
    }
  } finally {
    stop.dispose();
    announced.close();
  }
}

/** Resolves once `broadcastPath` is announced active (or inactive, with `active: false`). */
export async function waitAnnounced(
  connection: LiteConnection,
  broadcastPath: string,
  options: { prefix?: string; active?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const wanted = Path.from(broadcastPath);
  const active = options.active ?? true;
  for await (const entry of announcedLite(connection, options.prefix ?? '', options.signal)) {
    if (entry.path === wanted && entry.active === active) return;
  }
  throw new Error(`announcements ended before ${broadcastPath} was ${active ? 'on' : 'off'}`);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
