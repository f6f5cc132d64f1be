import { namespaceKey, type Namespace } from '../namespace.js';
import type { ClusterRegistry, RegistryEntry, RegistrySnapshot } from './cluster-registry.js';

/**
 * A registry held in one process: the primary of `--workers N` keeps one for its workers (they
 * reach it over IPC), and tests join relays of one process through it. Each `member()` is one
 * relay's handle; closing a member drops its claims, as a relay's death does in Redis.
 */
export class MemoryRegistry {
  readonly #entries = new Map<string, RegistryEntry>();
  readonly #listeners = new Set<(snapshot: RegistrySnapshot) => void>();

  get snapshot(): RegistrySnapshot {
    return new Map(this.#entries);
  }

  claim(namespace: Namespace, node: string): void {
    const key = namespaceKey(namespace);
    const known = this.#entries.get(key);
    if (known?.node === node) return;
    this.#entries.set(key, { namespace: [...namespace], node });
    this.#changed();
  }

  release(namespace: Namespace, node: string): void {
    const key = namespaceKey(namespace);
    if (this.#entries.get(key)?.node !== node) return;
    this.#entries.delete(key);
    this.#changed();
  }

  /** Drops every claim of `node` (its process went away). */
  releaseNode(node: string): void {
    let changed = false;
    for (const [key, entry] of this.#entries) {
      if (entry.node !== node) continue;
      this.#entries.delete(key);
      changed = true;
    }
    if (changed) this.#changed();
  }

  watch(listener: (snapshot: RegistrySnapshot) => void): () => void {
    this.#listeners.add(listener);
    listener(this.snapshot);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** One relay's handle on this registry. */
  member(): ClusterRegistry {
    const nodes = new Set<string>();
    const unwatch: Array<() => void> = [];
    let closed = false;
    return {
      claim: (namespace, node) => {
        if (closed) return;
        nodes.add(node);
        this.claim(namespace, node);
      },
      release: (namespace, node) => this.release(namespace, node),
      watch: (listener) => {
        const stop = this.watch(listener);
        unwatch.push(stop);
        return stop;
      },
      close: () => {
        if (closed) return Promise.resolve();
        closed = true;
        for (const stop of unwatch.splice(0)) stop();
        for (const node of nodes) this.releaseNode(node);
        return Promise.resolve();
      },
    };
  }

  #changed(): void {
    const snapshot = this.snapshot;
    for (const listener of [...this.#listeners]) listener(snapshot);
  }
}
