import { BroadcastProducer, ChangeSignal } from '../moq/index.js';
import { NameHolds } from './name-holds.js';
import { hasPrefix, namespaceKey, namespacePath, type Namespace } from './namespace.js';

/** How long a vanished publisher's name is kept for it (README: relay limits). */
export const NAME_GRACE_MS = 5000;

/** A broadcast appearing or going away, as namespace subscribers are told. */
export interface Announcement {
  namespace: Namespace;
  active: boolean;
}

export class OriginError extends Error {
  override readonly name = 'OriginError';
  constructor(
    readonly code: 'NAMESPACE_TAKEN' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The relay's routing table: which broadcast serves which namespace. Publishers' broadcasts
 * come and go; subscribers find them by longest namespace prefix; discovery clients follow
 * announcements under a prefix.
 */
export class Origin {
  readonly #broadcasts = new Map<string, BroadcastProducer>();
  readonly #log: Announcement[] = [];
  readonly #changed = new ChangeSignal();
  /** Broadcasts served from a cluster peer: a local publisher of the same name displaces them. */
  readonly #standby = new WeakSet<BroadcastProducer>();
  readonly #holds: NameHolds;
  #logStart = 0;

  constructor(options: { nameGraceMs?: number } = {}) {
    this.#holds = new NameHolds(options.nameGraceMs ?? NAME_GRACE_MS);
  }

  /** Live broadcasts (for /watch listings and metrics). */
  get broadcasts(): BroadcastProducer[] {
    return [...this.#broadcasts.values()];
  }

  /**
   * Registers a broadcast until it closes; a namespace is served by one publisher at a time.
   * `owner` (see NameHolds) lets a publisher whose session vanished come back to its name.
   */
  publish(broadcast: BroadcastProducer, owner?: string): void {
    const key = namespaceKey(broadcast.namespace);
    const path = namespacePath(broadcast.namespace);
    const standing = this.#broadcasts.get(key);
    if (standing && this.#standby.has(standing)) {
      // Its tracks run on until their own end (viewers keep reading); new ones come from here.
      this.#broadcasts.delete(key);
      standing.drain();
    } else if (standing && this.#holds.mayTakeOver(key, owner)) {
      this.#broadcasts.delete(key);
      standing.close(new OriginError('NAMESPACE_TAKEN', `${path} was taken over by its owner`));
    }
    if (this.#broadcasts.has(key)) {
      throw new OriginError('NAMESPACE_TAKEN', `${path} is already published`);
    }
    const held = this.#holds.refusal(key, owner);
    if (held) throw new OriginError('NAMESPACE_TAKEN', `${path} is ${held}`);
    this.#broadcasts.set(key, broadcast);
    this.#holds.published(key, owner);
    this.#announce({ namespace: broadcast.namespace, active: true });
    broadcast.onClose((error) => {
      if (this.#broadcasts.get(key) !== broadcast) return;
      this.#broadcasts.delete(key);
      this.#holds.ended(key, error !== undefined);
      this.#announce({ namespace: broadcast.namespace, active: false });
    });
  }

  /** Registers a broadcast that lives on a cluster peer; a local publish of its name wins. */
  publishStandby(broadcast: BroadcastProducer): void {
    this.publish(broadcast);
    this.#standby.add(broadcast);
  }

  /** Whether `broadcast` was registered as a cluster peer's (see publishStandby). */
  isStandby(broadcast: BroadcastProducer): boolean {
    return this.#standby.has(broadcast);
  }

  /** The broadcast whose namespace is the longest prefix of `namespace`. */
  route(namespace: Namespace): BroadcastProducer | undefined {
    for (let length = namespace.length; length > 0; length--) {
      const found = this.#broadcasts.get(namespaceKey(namespace.slice(0, length)));
      if (found) return found;
    }
    return undefined;
  }

  /** Namespaces live now under `prefix`. */
  active(prefix: Namespace): Namespace[] {
    return this.broadcasts.map((b) => b.namespace).filter((n) => hasPrefix(n, prefix));
  }

  /**
   * Every broadcast under `prefix`: those live now, then each change as it happens, until
   * `signal` aborts.
   */
  async *announcements(prefix: Namespace, signal?: AbortSignal): AsyncGenerator<Announcement> {
    let cursor = this.#logStart + this.#log.length;
    for (const namespace of this.active(prefix)) yield { namespace, active: true };
    for (;;) {
      while (cursor < this.#logStart + this.#log.length) {
        const entry = this.#log[Math.max(0, cursor - this.#logStart)] as Announcement;
        cursor++;
        if (hasPrefix(entry.namespace, prefix)) yield entry;
      }
      try {
        await this.#changed.changed(signal);
      } catch {
        return;
      }
    }
  }

  #announce(entry: Announcement): void {
    this.#log.push(entry);
    // Readers are woken at once and catch up in the same turn; a short log is enough.
    if (this.#log.length > 1024) {
      this.#log.splice(0, 512);
      this.#logStart += 512;
    }
    this.#changed.notify();
  }
}
