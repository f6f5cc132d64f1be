import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { CertificateStore } from '../cert/index.js';
import type { AcceptedSession, SessionPolicy } from '../session.js';
import { AcceptQueue, MAX_PENDING_SESSIONS } from '../accept-queue.js';
import { CERTIFICATE_HASH_PATH, certificateHashRoute } from './certificate-route.js';
import { HttpFrontendError } from './http-error.js';
import { QmuxUpgrade } from './qmux-upgrade.js';
import { Router, type RouteHandler } from './router.js';
import { SessionRegistry } from './session-registry.js';
import { frontendPolicy } from './session-request.js';

export interface HttpFrontendOptions {
  host?: string;
  /** 0 picks a free port; read the bound one from `port`. */
  port: number;
  certificates: CertificateStore;
  /** Serve HTTPS/WSS. Meant for a real (file) certificate: browsers do not pin hashes on TCP. */
  tls?: boolean;
  policy?: SessionPolicy;
  /** For the default policy: the application protocols this server speaks. */
  supportedProtocols?: string[];
  /** SO_REUSEPORT on the TCP socket (`moq-relay --workers N`). */
  reusePort?: boolean;
  /** Aborting it stops listening; after `listen` resolves, it closes the frontend. */
  signal?: AbortSignal;
  /** Timeouts for connections that send nothing, or stop half-way (see ConnectionTimeouts). */
  timeouts?: Partial<ConnectionTimeouts>;
}

/**
 * How long a TCP peer may leave a connection hanging. A WebSocket is exempt from `idleMs` once
 * upgraded (its QMux session has its own idle rules).
 */
export interface ConnectionTimeouts {
  /** No bytes either way for this long closes the connection (one that never sends, too). */
  idleMs: number;
  /** A request's headers must be complete within this (answered 408). */
  headersMs: number;
  /** A whole request must arrive within this. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

export const DEFAULT_CONNECTION_TIMEOUTS: ConnectionTimeouts = {
  idleMs: 30_000,
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
};

// How long closing sessions may take to finish their WebSocket close handshake.
const CLOSE_GRACE_MS = 1000;

/**
 * The TCP half of "one port, two protocols": HTTP routes (the certificate hash, and whatever the
 * relay adds) and QMux sessions over WebSocket, on the port the QUIC side uses for UDP.
 */
export class HttpFrontend {
  readonly #router = new Router();
  readonly #queue = new AcceptQueue<AcceptedSession>(
    MAX_PENDING_SESSIONS,
    (signal) => new HttpFrontendError('ABORTED', 'accept() was aborted', { cause: signal.reason }),
  );
  readonly #sessions = new SessionRegistry();
  readonly #cleanups: Array<() => void> = [];
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly upgrade: QmuxUpgrade,
  ) {}

  static async listen(options: HttpFrontendOptions): Promise<HttpFrontend> {
    const scheme = options.tls ? 'https' : 'http';
    const server = createServerFor(options);
    const upgrade = new QmuxUpgrade({
      scheme,
      policy: options.policy ?? frontendPolicy(options.supportedProtocols),
      onSession: (accepted, socket) => frontend.#deliver(accepted, socket),
    });
    const frontend = new HttpFrontend(server, upgrade);
    frontend.#wire(options);
    try {
      await listenOn(server, options);
    } catch (error) {
      await frontend.close();
      throw error;
    }
    frontend.#bindSignal(options.signal);
    return frontend;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  addRoute(method: string, path: string, handler: RouteHandler): void {
    this.#router.add(method, path, handler);
  }

  /** A route for every path under `prefix` (see Router.addPrefix). */
  addPrefixRoute(method: string, prefix: string, handler: RouteHandler): void {
    this.#router.addPrefix(method, prefix, handler);
  }

  /** The next QMux session, or undefined once the frontend is closed. */
  accept(signal?: AbortSignal): Promise<AcceptedSession | undefined> {
    return this.#queue.next(signal);
  }

  /** Stops listening and closes every QMux session and connection. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  #wire(options: HttpFrontendOptions): void {
    this.#router.add('GET', CERTIFICATE_HASH_PATH, certificateHashRoute(options.certificates));
    this.server.on('request', (req, res) => {
      this.#router.dispatch(req, res).catch(() => res.destroy());
    });
    this.server.on('upgrade', (req, socket: Socket, head: Buffer) =>
      this.upgrade.handle(req, socket, head),
    );
    this.server.on('clientError', onClientError);
    if (options.tls) this.#followRotation(options.certificates);
  }

  /** HTTPS picks up a rotated or reloaded certificate for new connections. */
  #followRotation(certificates: CertificateStore): void {
    const off = certificates.onRotate((next) => {
      try {
        (this.server as ReturnType<typeof createHttpsServer>).setSecureContext({
          cert: next.certPem,
          key: next.keyPem,
        });
      } catch (error) {
        process.emitWarning(`cannot switch the TLS certificate: ${String(error)}`);
      }
    });
    this.#cleanups.push(off);
  }

  #bindSignal(signal: AbortSignal | undefined): void {
    if (!signal) return;
    const onAbort = (): void => void this.close();
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }

  #deliver(accepted: AcceptedSession, socket: WebSocket): void {
    this.#sessions.add(accepted.session, socket);
    if (!this.#queue.push(accepted)) {
      accepted.session.close({ closeCode: 0, reason: 'server busy' });
    }
  }

  async #shutdown(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.upgrade.close();
    this.#queue.close();
    // Resolves even when the server never listened (close() then reports an error we ignore).
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await this.#sessions.closeAll(CLOSE_GRACE_MS);
    await stopped;
  }
}

function createServerFor(options: HttpFrontendOptions): Server {
  const timeouts = { ...DEFAULT_CONNECTION_TIMEOUTS, ...options.timeouts };
  // Node checks the headers/request deadlines every 30 s. (Setting a shorter
  // connectionsCheckingInterval here stops socket idle timeouts firing on Node 24: measured.)
  const server = options.tls ? httpsServer(options.certificates) : createHttpServer();
  // Without these a peer that connects and sends nothing holds a descriptor forever.
  server.timeout = timeouts.idleMs;
  server.headersTimeout = timeouts.headersMs;
  server.requestTimeout = Math.max(timeouts.requestMs, timeouts.headersMs);
  server.keepAliveTimeout = timeouts.keepAliveMs;
  return server;
}

function httpsServer(certificates: CertificateStore): Server {
  const { certPem, keyPem } = certificates.current();
  const server = createHttpsServer({ cert: certPem, key: keyPem });
  // A failed TLS handshake (a scanner, a client rejecting our certificate) only ends that socket.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return server;
}

/** Bytes that are not HTTP get a 400 and a closed socket, and go no further. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code !== 'ECONNRESET' && socket.writable && !socket.destroyed) {
    socket.once('finish', () => socket.destroy());
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  socket.destroy();
}

function listenOn(server: Server, options: HttpFrontendOptions): Promise<void> {
  const { host, port, signal, reusePort } = options;
  const where = `${host ?? '*'}:${port}`;
  return new Promise<void>((resolve, reject) => {
    const onError = (cause: Error): void => {
      signal?.removeEventListener('abort', onAbort);
      reject(
        new HttpFrontendError('LISTEN_FAILED', `cannot listen on ${where}: ${cause.message}`, {
          cause,
        }),
      );
    };
    const onAbort = (): void => {
      server.off('error', onError);
      server.close();
      reject(
        new HttpFrontendError('ABORTED', `listening on ${where} was aborted`, {
          cause: signal?.reason,
        }),
      );
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    server.once('error', onError);
    server.listen({ host, port, reusePort }, () => {
      server.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      // Later server errors (e.g. EMFILE on accept) must not crash the process.
      server.on('error', (error) => process.emitWarning(`HTTP frontend: ${error.message}`));
      resolve();
    });
  });
}
