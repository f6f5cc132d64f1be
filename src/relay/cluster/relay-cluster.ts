import {
  BroadcastProducer,
  MoqError,
  PublishDoneCode,
  type TrackConsumer,
  type TrackOptions,
} from '../../moq/index.js';
import { namespaceKey, namespacePath, type Namespace } from '../namespace.js';
import type { Origin } from '../origin.js';
import { ClusterError } from './cluster-error.js';
import {
  DEFAULT_CLUSTER_GRACE_MS,
  type ClusterLogger,
  type ClusterOptions,
} from './cluster-options.js';
import type { RegistrySnapshot } from './cluster-registry.js';
import { PeerPool } from './peer-pool.js';
import { RemoteTrack } from './remote-track.js';

/** Where a remote track reads from now: this relay's own broadcast, or a peer's URL. */
const LOCAL = 'local';

interface RemoteBroadcast {
  broadcast: BroadcastProducer;
  tracks: Set<RemoteTrack>;
  /** Set while the registry no longer lists it: the grace timer that ends it. */
  missing?: ReturnType<typeof setTimeout>;
}

/**
 * Joins a relay to a cluster. The broadcasts published on this relay are claimed in the
 * registry while they live; every other relay's broadcasts appear in this relay's Origin (so
 * SUBSCRIBE_NAMESPACE lists them and SUBSCRIBE finds them), each track fed by one upstream
 * subscription over one pooled session per peer. A broadcast that leaves the registry (its
 * publisher dropped, its relay died) is held for the grace period: if it comes back on any
 * relay, its tracks move there and their viewers never notice.
 */
export class RelayCluster {
  readonly #origin: Origin;
  readonly #options: ClusterOptions;
  readonly #graceMs: number;
  readonly #trackOptions: TrackOptions | undefined;
  readonly #log: ClusterLogger | undefined;
  readonly #pool: PeerPool;
  readonly #remote = new Map<string, RemoteBroadcast>();
  readonly #claimed = new Map<string, Namespace>();
  readonly #abort = new AbortController();
  readonly #unwatch: () => void;
  #snapshot: RegistrySnapshot = new Map();
  #closing: Promise<void> | undefined;

  constructor(
    origin: Origin,
    options: ClusterOptions,
    extra: { trackOptions?: TrackOptions; logger?: ClusterLogger } = {},
  ) {
    checkUrl('node', options.node);
    if (options.upstream !== undefined) checkUrl('upstream', options.upstream);
    this.#origin = origin;
    this.#options = options;
    this.#graceMs = options.graceMs ?? DEFAULT_CLUSTER_GRACE_MS;
    this.#trackOptions = extra.trackOptions;
    this.#log = extra.logger;
    this.#pool = new PeerPool({ token: options.token, logger: extra.logger });
    void this.#followLocal();
    this.#unwatch = options.registry.watch((snapshot) => this.#reconcile(snapshot));
  }

  /** This relay's URL for its peers. */
  get node(): string {
    return this.#options.node;
  }

  /** Peers with a relay-to-relay session open or opening. */
  get peers(): string[] {
    return this.#pool.peers;
  }

  /** Namespaces this relay has claimed (its own publishers'). */
  get claimed(): Namespace[] {
    return [...this.#claimed.values()];
  }

  /** Releases the claims, ends remote broadcasts and peer sessions. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#abort.abort();
    this.#unwatch();
    for (const namespace of this.#claimed.values()) {
      this.#options.registry.release(namespace, this.node);
    }
    this.#claimed.clear();
    const ending = new MoqError(PublishDoneCode.GOING_AWAY, 'relay leaving the cluster', 'request');
    for (const remote of this.#remote.values()) {
      clearTimeout(remote.missing);
      remote.broadcast.close(ending);
    }
    this.#remote.clear();
    await this.#options.registry.close();
    await this.#pool.close();
  }

  /** Claims what is published here, for as long as it is. */
  async #followLocal(): Promise<void> {
    for await (const { namespace, active } of this.#origin.announcements([], this.#abort.signal)) {
      const key = namespaceKey(namespace);
      const local = this.#localBroadcast(namespace);
      if (active && local) {
        if (this.#claimed.has(key)) continue;
        this.#claimed.set(key, namespace);
        this.#options.registry.claim(namespace, this.node);
        // It displaced a peer's broadcast of the same name (Origin drained that one).
        const displaced = this.#remote.get(key);
        if (displaced) this.#reroute(displaced);
        continue;
      }
      if (!local && this.#claimed.delete(key)) {
        this.#options.registry.release(namespace, this.node);
        this.#reconcile(this.#snapshot);
      }
    }
  }

  /** A broadcast published on this relay (not one of a peer's held here). */
  #localBroadcast(namespace: Namespace): BroadcastProducer | undefined {
    const found = this.#origin.route(namespace);
    if (!found || this.#origin.isStandby(found)) return undefined;
    return namespaceKey(found.namespace) === namespaceKey(namespace) ? found : undefined;
  }

  #reconcile(snapshot: RegistrySnapshot): void {
    if (this.#abort.signal.aborted) return;
    this.#snapshot = snapshot;
    for (const [key, entry] of snapshot) {
      if (entry.node === this.node) continue;
      const known = this.#remote.get(key);
      if (known) {
        if (known.missing) clearTimeout(known.missing);
        known.missing = undefined;
        this.#reroute(known);
        continue;
      }
      if (this.#localBroadcast(entry.namespace)) continue;
      this.#addRemote(key, entry.namespace);
    }
    for (const [key, remote] of this.#remote) {
      const entry = snapshot.get(key);
      if (entry && entry.node !== this.node) continue;
      this.#reroute(remote);
      remote.missing ??= setTimeout(() => this.#expire(key, remote), this.#graceMs);
    }
  }

  #addRemote(key: string, namespace: Namespace): void {
    const remote: RemoteBroadcast = {
      broadcast: new BroadcastProducer(namespace, (name) => this.#openTrack(remote, name)),
      tracks: new Set(),
    };
    try {
      this.#origin.publishStandby(remote.broadcast);
    } catch {
      return; // published here meanwhile: local wins
    }
    this.#remote.set(key, remote);
    remote.broadcast.onClose(() => {
      if (this.#remote.get(key) !== remote) return;
      clearTimeout(remote.missing);
      this.#remote.delete(key);
    });
  }

  /** Gone from the registry for the whole grace period: its viewers see the end. */
  #expire(key: string, remote: RemoteBroadcast): void {
    if (this.#remote.get(key) !== remote) return;
    this.#remote.delete(key);
    const path = namespacePath(remote.broadcast.namespace);
    remote.broadcast.close(
      new MoqError(PublishDoneCode.GOING_AWAY, `${path} left the cluster`, 'request'),
    );
  }

  #openTrack(remote: RemoteBroadcast, name: string): RemoteTrack['producer'] {
    const namespace = remote.broadcast.namespace;
    let source: string | undefined;
    const track = new RemoteTrack(name, {
      graceMs: this.#graceMs,
      trackOptions: this.#trackOptions,
      open: async (signal) => {
        const opened = await this.#openUpstream(namespace, name, signal);
        source = opened.source;
        return opened.consumer;
      },
      currentSource: () => source,
      onResume: () =>
        this.#log?.info(
          { broadcast: namespacePath(namespace), track: name, source },
          'track moved',
        ),
    });
    remote.tracks.add(track);
    track.producer.onClose(() => remote.tracks.delete(track));
    return track.producer;
  }

  /** Tracks reading from somewhere the registry no longer names drop that upstream. */
  #reroute(remote: RemoteBroadcast): void {
    const wanted = this.#sourceFor(remote.broadcast.namespace);
    for (const track of remote.tracks) {
      if (track.currentSource !== undefined && track.currentSource !== wanted) track.reroute();
    }
  }

  #sourceFor(namespace: Namespace): string | undefined {
    if (this.#localBroadcast(namespace)) return LOCAL;
    const entry = this.#snapshot.get(namespaceKey(namespace));
    if (!entry || entry.node === this.node) return undefined;
    return entry.node;
  }

  async #openUpstream(
    namespace: Namespace,
    name: string,
    signal: AbortSignal,
  ): Promise<{ consumer: TrackConsumer; source: string }> {
    const local = this.#localBroadcast(namespace);
    if (local) {
      const consumer = local.subscribe(name);
      await closeOnFailure(consumer, consumer.ready);
      return { consumer, source: LOCAL };
    }
    const source = this.#sourceFor(namespace);
    if (source === undefined) {
      throw new ClusterError('NOT_FOUND', `${namespacePath(namespace)} is not in the cluster`);
    }
    // Multi-hop: an edge asks its upstream relay, which finds the origin in turn.
    const session = await this.#pool.session(this.#options.upstream ?? source);
    const consumer = await session.subscribe(namespace, name);
    if (signal.aborted) {
      consumer.close();
      throw new ClusterError('CLOSED', 'no longer wanted');
    }
    return { consumer, source };
  }
}

async function closeOnFailure(consumer: TrackConsumer, ready: Promise<void>): Promise<void> {
  try {
    await ready;
  } catch (error) {
    consumer.close();
    throw error;
  }
}

function checkUrl(what: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClusterError('BAD_OPTIONS', `cluster ${what} ${url} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ClusterError('BAD_OPTIONS', `cluster ${what} ${url}: use http:// or https://`);
  }
}
