import type { ChildProcess } from 'node:child_process';
import { namespaceKey } from '../namespace.js';
import type { ClusterRegistry, RegistryEntry, RegistrySnapshot } from './cluster-registry.js';
import type { MemoryRegistry } from './memory-registry.js';

/** What a worker tells the primary, and what the primary tells each worker. */
export type RegistryRequest =
  | { type: 'registry-claim'; namespace: string[]; node: string }
  | { type: 'registry-release'; namespace: string[]; node: string };
export interface RegistryUpdate {
  type: 'registry-snapshot';
  entries: RegistryEntry[];
}

/**
 * A worker's handle on the registry its primary holds (`moq-relay --workers N` without Redis):
 * claims go up over the IPC channel, the primary sends every change back down whole.
 */
export class IpcRegistry implements ClusterRegistry {
  readonly #listeners = new Set<(snapshot: RegistrySnapshot) => void>();
  readonly #onMessage = (message: unknown): void => this.#receive(message);
  #snapshot: RegistrySnapshot = new Map();
  #closed = false;

  constructor() {
    process.on('message', this.#onMessage);
  }

  claim(namespace: readonly string[], node: string): void {
    this.#send({ type: 'registry-claim', namespace: [...namespace], node });
  }

  release(namespace: readonly string[], node: string): void {
    this.#send({ type: 'registry-release', namespace: [...namespace], node });
  }

  watch(listener: (snapshot: RegistrySnapshot) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#snapshot);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    process.off('message', this.#onMessage);
    return Promise.resolve();
  }

  #send(message: RegistryRequest): void {
    if (this.#closed || !process.connected) return;
    process.send?.(message);
  }

  #receive(message: unknown): void {
    if (!isUpdate(message)) return;
    this.#snapshot = new Map(message.entries.map((e) => [namespaceKey(e.namespace), e]));
    for (const listener of [...this.#listeners]) listener(this.#snapshot);
  }
}

/**
 * The primary's side: applies a worker's claims to `registry` and keeps the worker told of
 * every change; a worker that exits loses its claims. Returns the function that stops it.
 */
export function serveRegistry(registry: MemoryRegistry, worker: ChildProcess): () => void {
  const nodes = new Set<string>();
  const onMessage = (message: unknown): void => {
    if (!isRequest(message)) return;
    nodes.add(message.node);
    if (message.type === 'registry-claim') registry.claim(message.namespace, message.node);
    else registry.release(message.namespace, message.node);
  };
  worker.on('message', onMessage);
  const unwatch = registry.watch((snapshot) => {
    if (!worker.connected) return;
    const update: RegistryUpdate = { type: 'registry-snapshot', entries: [...snapshot.values()] };
    worker.send(update, (error) => void error); // a worker gone meanwhile: its exit cleans up
  });
  const stop = (): void => {
    worker.off('message', onMessage);
    unwatch();
    for (const node of nodes) registry.releaseNode(node);
  };
  worker.once('exit', stop);
  return stop;
}

function isRequest(message: unknown): message is RegistryRequest {
  const m = message as Partial<RegistryRequest> | null;
  return (
    (m?.type === 'registry-claim' || m?.type === 'registry-release') &&
    Array.isArray(m.namespace) &&
    m.namespace.every((f) => typeof f === 'string') &&
    typeof m.node === 'string'
  );
}

function isUpdate(message: unknown): message is RegistryUpdate {
  const m = message as Partial<RegistryUpdate> | null;
  return m?.type === 'registry-snapshot' && Array.isArray(m.entries);
}
