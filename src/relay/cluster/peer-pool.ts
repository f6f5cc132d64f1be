import { connectRelay, type RelayConnection } from '../../client/index.js';
import type { MoqSession } from '../../moq/index.js';
import { nodeDialers } from '../../transport/index.js';
import type { ClusterLogger } from './cluster-options.js';

export interface PeerPoolOptions {
  /** Appended as `?jwt=` to every peer URL. */
  token?: string;
  logger?: ClusterLogger;
}

/**
 * One relay-to-relay MoQ session per peer, opened on first need through the one relay client
 * and shared by every track subscribed from that peer. A session that ends is forgotten, so the
 * next need opens a fresh one.
 */
export class PeerPool {
  readonly #token: string | undefined;
  readonly #log: ClusterLogger | undefined;
  readonly #peers = new Map<string, Promise<RelayConnection>>();
  readonly #abort = new AbortController();

  constructor(options: PeerPoolOptions = {}) {
    this.#token = options.token;
    this.#log = options.logger;
  }

  /** Peers with a session open or opening. */
  get peers(): string[] {
    return [...this.#peers.keys()];
  }

  /** The session to `node`, opening it if there is none. */
  async session(node: string): Promise<MoqSession> {
    if (this.#abort.signal.aborted) throw new Error('cluster closed');
    let pending = this.#peers.get(node);
    if (!pending) {
      pending = this.#open(node);
      this.#peers.set(node, pending);
    }
    return (await pending).session;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    const open = [...this.#peers.values()];
    this.#peers.clear();
    await Promise.allSettled(open.map(async (pending) => (await pending).close()));
  }

  async #open(node: string): Promise<RelayConnection> {
    try {
      const connection = await connectRelay(peerUrl(node, this.#token), nodeDialers, {
        signal: this.#abort.signal,
      });
      this.#log?.info({ peer: node, transport: connection.kind }, 'cluster peer session open');
      void connection.closed.then(() => this.#forget(node, connection));
      return connection;
    } catch (error) {
      this.#peers.delete(node);
      throw error;
    }
  }

  #forget(node: string, connection: RelayConnection): void {
    void this.#peers.get(node)?.then((current) => {
      if (current === connection) this.#peers.delete(node);
    });
    if (!this.#abort.signal.aborted) this.#log?.info({ peer: node }, 'cluster peer session closed');
  }
}

/** The peer's URL with our cluster token as `?jwt=` (what the relay's auth reads). */
export function peerUrl(node: string, token: string | undefined): string {
  if (!token) return node;
  const url = new URL(node);
  url.searchParams.set('jwt', token);
  return url.href;
}
