import { AcceptQueue, MAX_PENDING_SESSIONS, offerSession } from './accept-queue.js';
import { CertificateStore, type CertificateStoreOptions } from './cert/index.js';
import { HttpFrontend, type ConnectionTimeouts, type RouteHandler } from './http/index.js';
import type { CongestionControl, EndpointStats, QuicRouting } from './quic/index.js';
import { defaultPolicy, type AcceptedSession, type SessionPolicy } from './session.js';
import { WebTransportServer } from './webtransport/index.js';

export interface TransportServerOptions {
  host?: string;
  /** One number for both UDP (QUIC) and TCP (HTTP, WebSocket); 0 picks a free one. */
  port: number;
  /** A ready store, or how to make one (files via certPath/keyPath, else generated). */
  certificates?: CertificateStore | CertificateStoreOptions;
  /** Application protocols we speak, in preference order. */
  protocols?: readonly string[];
  policy?: SessionPolicy;
  congestionControl?: CongestionControl;
  /**
   * SO_REUSEPORT on both sockets: several processes serve one port (the kernel spreads QUIC
   * connections by address and TCP connections as they come; each stays with one process).
   */
  reusePort?: boolean;
  /** With reusePort: QUIC connection-ID routing between the processes on the port. */
  quicRouting?: QuicRouting;
  /** TCP side: how long a connection may hang idle or half-sent. */
  connectionTimeouts?: Partial<ConnectionTimeouts>;
}

const PORT_ATTEMPTS = 8;

/**
 * One port, two protocols: WebTransport over HTTP/3 on UDP and HTTP + QMux-over-WebSocket on
 * TCP, delivering sessions from both through one `accept()`.
 */
export class TransportServer {
  readonly certificates: CertificateStore;
  #quic: WebTransportServer;
  #http: HttpFrontend;
  #sessions = new AcceptQueue<AcceptedSession>(MAX_PENDING_SESSIONS);
  #ownsCertificates: boolean;

  private constructor(
    certificates: CertificateStore,
    ownsCertificates: boolean,
    quic: WebTransportServer,
    http: HttpFrontend,
  ) {
    this.certificates = certificates;
    this.#ownsCertificates = ownsCertificates;
    this.#quic = quic;
    this.#http = http;
    void this.#pump((signal) => quic.accept(signal));
    void this.#pump((signal) => http.accept(signal));
  }

  static async listen(options: TransportServerOptions): Promise<TransportServer> {
    const given = options.certificates;
    const store = given instanceof CertificateStore ? given : await CertificateStore.create(given);
    const policy = options.policy ?? defaultPolicy(options.protocols ?? []);
    try {
      const { quic, http } = await bindBoth(options, store, policy);
      return new TransportServer(store, !(given instanceof CertificateStore), quic, http);
    } catch (error) {
      if (!(given instanceof CertificateStore)) store.close();
      throw error;
    }
  }

  get port(): number {
    return this.#quic.port;
  }

  /** The next session from either transport, or undefined once the server is closed. */
  accept(signal?: AbortSignal): Promise<AcceptedSession | undefined> {
    return this.#sessions.next(signal);
  }

  /** HTTP routes on the TCP side (the relay adds /metrics, health, …). */
  addRoute(method: string, path: string, handler: RouteHandler): void {
    this.#http.addRoute(method, path, handler);
  }

  /** HTTP routes for a path family, e.g. `/watch/` for `/watch/any/broadcast/name`. */
  addPrefixRoute(method: string, prefix: string, handler: RouteHandler): void {
    this.#http.addPrefixRoute(method, prefix, handler);
  }

  stats(): EndpointStats {
    return this.#quic.stats();
  }

  async close(): Promise<void> {
    for (const left of this.#sessions.close())
      left.session.close({ closeCode: 0, reason: 'server closed' });
    await Promise.all([this.#quic.close(), this.#http.close()]);
    if (this.#ownsCertificates) this.certificates.close();
  }

  async #pump(next: (signal?: AbortSignal) => Promise<AcceptedSession | undefined>): Promise<void> {
    for (let session = await next(); session; session = await next())
      offerSession(this.#sessions, session);
  }
}

async function bindBoth(
  options: TransportServerOptions,
  store: CertificateStore,
  policy: SessionPolicy,
): Promise<{ quic: WebTransportServer; http: HttpFrontend }> {
  // With port 0 the UDP side picks a number that TCP may find taken: try again a few times.
  for (let attempt = 1; ; attempt++) {
    const quic = await WebTransportServer.listen({
      host: options.host,
      port: options.port,
      tls: () => store.current(),
      policy,
      reusePort: options.reusePort,
      ...(options.quicRouting ? { routing: options.quicRouting } : {}),
      quic: { congestionControl: options.congestionControl },
    });
    try {
      const http = await HttpFrontend.listen({
        host: options.host,
        port: quic.port,
        certificates: store,
        tls: store.source === 'files',
        policy,
        reusePort: options.reusePort,
        ...(options.connectionTimeouts ? { timeouts: options.connectionTimeouts } : {}),
      });
      return { quic, http };
    } catch (error) {
      await quic.close();
      if (options.port !== 0 || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}
