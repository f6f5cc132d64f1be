import { createClient } from 'redis';
import { withTimeout } from '../../async/index.js';
import { namespaceKey, type Namespace } from '../namespace.js';
import type { ClusterRegistry, RegistryEntry, RegistrySnapshot } from './cluster-registry.js';
import type { ClusterLogger } from './cluster-options.js';

export interface RedisRegistryOptions {
  /** redis://host:port (any URL node-redis takes). */
  url: string;
  /** Key and channel prefix, so several clusters may share one Redis. */
  prefix?: string;
  /** A claim's key lives this long unless refreshed (a crashed relay's claims go after it). */
  ttlMs?: number;
  /** How often the whole key space is read again (expiries, messages missed in an outage). */
  scanIntervalMs?: number;
  /** How long the first connection may take (then it is an error, not a retry loop). */
  connectTimeoutMs?: number;
  logger?: ClusterLogger;
}

export const DEFAULT_CLAIM_TTL_MS = 10_000;
export const DEFAULT_SCAN_INTERVAL_MS = 2_000;
/** Reconnect backoff: 100 ms doubling up to 2 s, forever (a relay outlives its Redis). */
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2_000;

// Refresh our claim: re-set it if it is still ours or gone (Redis restarted); never take over a
// newer claim by another node.
const REFRESH = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
// Release our claim only.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface AnnounceMessage {
  namespace: string[];
  node: string;
  active: boolean;
}

type Client = ReturnType<typeof createClient>;

/**
 * The cluster registry on Redis. Each claim is a key `<prefix>broadcast:<namespace>` holding the
 * origin's URL with a TTL that the owner refreshes every third of it. Changes travel on the
 * pub/sub channel `<prefix>announce` (milliseconds, no server configuration, unlike keyspace
 * notifications, which managed Redis often disables); a SCAN every few seconds catches what
 * pub/sub cannot tell: keys that expired (a relay died) and messages sent while we were cut off.
 */
export class RedisRegistry implements ClusterRegistry {
  readonly #client: Client;
  readonly #subscriber: Client;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #log: ClusterLogger | undefined;
  readonly #owned = new Map<string, RegistryEntry>();
  readonly #listeners = new Set<(snapshot: RegistrySnapshot) => void>();
  #snapshot = new Map<string, RegistryEntry>();
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #reachable = true;
  #closed = false;

  private constructor(options: RedisRegistryOptions) {
    this.#prefix = options.prefix ?? 'moq:';
    this.#ttlMs = options.ttlMs ?? DEFAULT_CLAIM_TTL_MS;
    this.#log = options.logger;
    this.#client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: backoff, connectTimeout: 2_000 },
    });
    this.#subscriber = this.#client.duplicate();
    for (const client of [this.#client, this.#subscriber]) {
      client.on('error', (error: unknown) => this.#unreachable(error));
    }
    this.#client.on('ready', () => void this.#onReady());
  }

  /**
   * Connects (waiting for Redis at most `connectTimeoutMs`; an unreachable Redis at start is an
   * error, so a typo in the URL is caught) and starts the refresh and scan timers.
   */
  static async connect(options: RedisRegistryOptions): Promise<RedisRegistry> {
    const registry = new RedisRegistry(options);
    try {
      const connected = Promise.all([registry.#client.connect(), registry.#subscriber.connect()]);
      await withTimeout(connected, options.connectTimeoutMs ?? 5_000, `Redis at ${options.url}`);
      await registry.#subscriber.subscribe(registry.#channel, (message) =>
        registry.#onMessage(message),
      );
    } catch (error) {
      await registry.close();
      throw error;
    }
    registry.#timers.push(
      setInterval(() => void registry.#refreshAll(), Math.max(100, registry.#ttlMs / 3)),
      setInterval(() => void registry.#scan(), options.scanIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS),
    );
    await registry.#scan();
    return registry;
  }

  get #channel(): string {
    return `${this.#prefix}announce`;
  }

  claim(namespace: Namespace, node: string): void {
    const entry = { namespace: [...namespace], node };
    this.#owned.set(namespaceKey(namespace), entry);
    this.#apply(entry, true);
    void this.#attempt('claim', async () => {
      await this.#client.set(this.#key(namespace), node, {
        expiration: { type: 'PX', value: this.#ttlMs },
      });
      await this.#publish(entry, true);
    });
  }

  release(namespace: Namespace, node: string): void {
    const key = namespaceKey(namespace);
    if (this.#owned.get(key)?.node === node) this.#owned.delete(key);
    const entry = { namespace: [...namespace], node };
    this.#apply(entry, false);
    void this.#attempt('release', () => this.#releaseRemote(entry));
  }

  watch(listener: (snapshot: RegistrySnapshot) => void): () => void {
    this.#listeners.add(listener);
    listener(new Map(this.#snapshot));
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#listeners.clear();
    if (this.#client.isReady) {
      const owned = [...this.#owned.values()];
      this.#owned.clear();
      await Promise.allSettled(owned.map((entry) => this.#releaseRemote(entry)));
    }
    for (const client of [this.#subscriber, this.#client]) {
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    }
  }

  async #releaseRemote(entry: RegistryEntry): Promise<void> {
    const removed = await this.#client.eval(RELEASE, {
      keys: [this.#key(entry.namespace)],
      arguments: [entry.node],
    });
    if (removed === 1) await this.#publish(entry, false);
  }

  #key(namespace: Namespace): string {
    return `${this.#prefix}broadcast:${namespaceKey(namespace)}`;
  }

  async #publish(entry: RegistryEntry, active: boolean): Promise<void> {
    const message: AnnounceMessage = { namespace: [...entry.namespace], node: entry.node, active };
    await this.#client.publish(this.#channel, JSON.stringify(message));
  }

  /** Back after an outage (or a Redis restart that lost every key): claims are put back. */
  async #onReady(): Promise<void> {
    if (this.#closed) return;
    if (!this.#reachable) this.#log?.info({}, 'cluster registry reachable again');
    this.#reachable = true;
    await this.#refreshAll();
    await this.#scan();
  }

  async #refreshAll(): Promise<void> {
    if (this.#closed || !this.#client.isReady) return;
    for (const entry of [...this.#owned.values()]) {
      await this.#attempt('refresh', async () => {
        const set = await this.#client.eval(REFRESH, {
          keys: [this.#key(entry.namespace)],
          arguments: [entry.node, String(this.#ttlMs)],
        });
        if (set === 1) return;
        // Another node claimed it since: that publisher is the newer one.
        const key = namespaceKey(entry.namespace);
        if (this.#owned.get(key) === entry) this.#owned.delete(key);
      });
    }
  }

  /** Reads every claim: the truth that pub/sub messages only approximate. */
  async #scan(): Promise<void> {
    if (this.#closed || !this.#client.isReady) return;
    await this.#attempt('scan', async () => {
      const keys: string[] = [];
      for await (const page of this.#client.scanIterator({
        MATCH: `${this.#prefix}broadcast:*`,
        COUNT: 500,
      })) {
        keys.push(...page);
      }
      const nodes = keys.length > 0 ? await this.#client.mGet(keys) : [];
      const next = new Map<string, RegistryEntry>();
      keys.forEach((key, i) => {
        const node = nodes[i];
        const namespace = parseNamespace(key.slice(`${this.#prefix}broadcast:`.length));
        if (typeof node === 'string' && namespace) {
          next.set(namespaceKey(namespace), { namespace, node });
        }
      });
      // Our own claims stand even if a write has not landed yet.
      for (const [key, entry] of this.#owned) if (!next.has(key)) next.set(key, entry);
      if (sameSnapshot(this.#snapshot, next)) return;
      this.#snapshot = next;
      this.#emit();
    });
  }

  #onMessage(text: string): void {
    let message: AnnounceMessage;
    try {
      message = JSON.parse(text) as AnnounceMessage;
    } catch {
      return; // not ours: the periodic scan is the truth anyway
    }
    if (!Array.isArray(message.namespace) || typeof message.node !== 'string') return;
    const namespace = message.namespace.filter((f): f is string => typeof f === 'string');
    this.#apply({ namespace, node: message.node }, message.active === true);
  }

  #apply(entry: RegistryEntry, active: boolean): void {
    const key = namespaceKey(entry.namespace);
    const known = this.#snapshot.get(key);
    if (active) {
      if (known?.node === entry.node) return;
      this.#snapshot.set(key, entry);
    } else {
      if (known?.node !== entry.node) return;
      this.#snapshot.delete(key);
    }
    this.#emit();
  }

  #emit(): void {
    if (this.#closed) return;
    const snapshot = new Map(this.#snapshot);
    for (const listener of [...this.#listeners]) listener(snapshot);
  }

  async #attempt(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!this.#closed) this.#unreachable(error, what);
    }
  }

  /** Logged once per outage; the client reconnects by itself (see `backoff`). */
  #unreachable(error: unknown, what = 'connection'): void {
    if (!this.#reachable || this.#closed) return;
    this.#reachable = false;
    this.#log?.warn(
      { what, error: error instanceof Error ? error.message : String(error) },
      'cluster registry unreachable: serving local broadcasts, reconnecting',
    );
  }
}

function backoff(retries: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(retries, 10));
}

function parseNamespace(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((f) => typeof f === 'string')) return value;
  } catch {
    // a stranger's key under our prefix
  }
  return undefined;
}

function sameSnapshot(a: RegistrySnapshot, b: RegistrySnapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [key, entry] of a) if (b.get(key)?.node !== entry.node) return false;
  return true;
}
