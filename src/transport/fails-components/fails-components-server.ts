import { AcceptQueue, MAX_PENDING_SESSIONS, offerSession } from '../accept-queue.js';
import type { TlsMaterial } from '../quic/index.js';
import type { AcceptedSession, SessionRequest, TransportSession } from '../session.js';
import { TransportError } from '../transport-error.js';

/** The part of `@fails-components/webtransport`'s Http3Server we use. */
interface Http3ServerLike {
  startServer(): void;
  ready: Promise<unknown>;
  closed: Promise<unknown>;
  stopServer(): void;
  address(): { port: number } | null;
  sessionStream(path: string): ReadableStream<WebTransport>;
  updateCert(cert: string, privKey: string): void;
}

type Http3ServerConstructor = new (args: Record<string, unknown>) => Http3ServerLike;

export interface FailsComponentsServerOptions {
  host?: string;
  port: number;
  tls: TlsMaterial;
  /** That library delivers sessions per registered path. */
  paths: readonly string[];
}

const MODULE = '@fails-components/webtransport';

/**
 * The optional backend: Google quiche's HTTP/3 through `@fails-components/webtransport`, where its
 * native addon installs (it downloads from GitHub at install time, so not on every machine).
 * Same accept() and session shape as our own server; offered sub-protocols are not visible.
 */
export class FailsComponentsServer {
  #server: Http3ServerLike;
  #sessions = new AcceptQueue<AcceptedSession>(MAX_PENDING_SESSIONS);

  private constructor(server: Http3ServerLike, options: FailsComponentsServerOptions) {
    this.#server = server;
    for (const path of options.paths) void this.#pump(path, options);
  }

  static async listen(options: FailsComponentsServerOptions): Promise<FailsComponentsServer> {
    const Http3Server = await loadHttp3Server();
    const server = new Http3Server({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      secret: crypto.randomUUID(),
      cert: options.tls.certPem,
      privKey: options.tls.keyPem,
    });
    const wrapper = new FailsComponentsServer(server, options);
    server.startServer();
    await server.ready;
    return wrapper;
  }

  get port(): number {
    return this.#server.address()?.port ?? 0;
  }

  accept(signal?: AbortSignal): Promise<AcceptedSession | undefined> {
    return this.#sessions.next(signal);
  }

  /** New connections get the new certificate; open ones keep theirs. */
  updateCertificate(tls: TlsMaterial): void {
    this.#server.updateCert(tls.certPem, tls.keyPem);
  }

  async close(): Promise<void> {
    for (const left of this.#sessions.close())
      left.session.close({ closeCode: 0, reason: 'server closed' });
    this.#server.stopServer();
    await this.#server.closed;
  }

  async #pump(path: string, options: FailsComponentsServerOptions): Promise<void> {
    for await (const session of this.#server.sessionStream(path)) {
      const request: SessionRequest = {
        transport: 'webtransport',
        url: new URL(`https://${options.host ?? '127.0.0.1'}:${this.port}${path}`),
        origin: undefined,
        offeredProtocols: [],
        remoteAddress: '',
      };
      const shaped = Object.assign(session, { protocol: '' }) as TransportSession;
      offerSession(this.#sessions, { request, session: shaped, stats: () => undefined });
    }
  }
}

async function loadHttp3Server(): Promise<Http3ServerConstructor> {
  try {
    const loaded = (await import(MODULE)) as { Http3Server?: Http3ServerConstructor };
    if (!loaded.Http3Server) throw new Error('no Http3Server export');
    return loaded.Http3Server;
  } catch (error) {
    throw new TransportError(
      `the ${MODULE} backend is not installed here (${(error as Error).message}); ` +
        `install it with its native addon, or use the built-in backend`,
      'session',
    );
  }
}
