import {
  QuicServerEndpoint,
  createQuicheConfig,
  pacingFor,
  type EndpointStats,
  type QuicOptions,
  type QuicRouting,
  type TlsMaterial,
} from '../quic/index.js';
import { AcceptQueue, MAX_PENDING_SESSIONS, offerSession } from '../accept-queue.js';
import { defaultPolicy, type AcceptedSession, type SessionPolicy } from '../session.js';
import { H3ServerConnection } from './h3-server-connection.js';

export interface WebTransportServerOptions {
  host?: string;
  port: number;
  /** The certificate for new connections; called per connection so rotation needs no restart. */
  tls: () => TlsMaterial;
  /** Application protocols we speak, in preference order (`wt-protocol` negotiation). */
  protocols?: readonly string[];
  policy?: SessionPolicy;
  quic?: Omit<QuicOptions, 'alpn'>;
  maxConnections?: number;
  /** SO_REUSEPORT on the UDP socket (`moq-relay --workers N`). */
  reusePort?: boolean;
  /** Connection-ID routing between the processes sharing the port (QuicRouting). */
  routing?: QuicRouting;
}

/** WebTransport over HTTP/3 on a UDP port: accepts sessions from browsers and Node clients. */
export class WebTransportServer {
  #endpoint: QuicServerEndpoint;
  #sessions: AcceptQueue<AcceptedSession>;

  private constructor(endpoint: QuicServerEndpoint, sessions: AcceptQueue<AcceptedSession>) {
    this.#endpoint = endpoint;
    this.#sessions = sessions;
  }

  static async listen(options: WebTransportServerOptions): Promise<WebTransportServer> {
    const sessions = new AcceptQueue<AcceptedSession>(MAX_PENDING_SESSIONS);
    const policy = options.policy ?? defaultPolicy(options.protocols ?? []);
    const quic: QuicOptions = { ...options.quic, alpn: ['h3'] };
    // Fail at start-up, not silently per handshake, when the certificate or options are bad.
    createQuicheConfig(quic, options.tls(), false);
    const endpoint = await QuicServerEndpoint.listen({
      host: options.host,
      port: options.port,
      maxConnections: options.maxConnections,
      reusePort: options.reusePort,
      ...(options.routing ? { routing: options.routing } : {}),
      config: () => createQuicheConfig(quic, options.tls(), false),
      pacing: pacingFor(quic),
      onConnection: (connection, remote) => {
        new H3ServerConnection(connection, remote.host, policy, (s) => offerSession(sessions, s));
      },
    });
    return new WebTransportServer(endpoint, sessions);
  }

  get port(): number {
    return this.#endpoint.port;
  }

  /** The next accepted session, or undefined once the server is closed. */
  accept(signal?: AbortSignal): Promise<AcceptedSession | undefined> {
    return this.#sessions.next(signal);
  }

  stats(): EndpointStats {
    return this.#endpoint.stats();
  }

  async close(): Promise<void> {
    for (const left of this.#sessions.close())
      left.session.close({ closeCode: 0, reason: 'server closed' });
    await this.#endpoint.close(0x100, 'server shutting down');
  }
}
