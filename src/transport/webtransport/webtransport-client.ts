import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  QuicError,
  connectQuic,
  createQuicheConfig,
  pacingFor,
  type QuicOptions,
} from '../quic/index.js';
import type { SessionStats, TransportSession } from '../session.js';
import { TransportError } from '../transport-error.js';
import { H3ClientConnection } from './h3-client-connection.js';

export interface WebTransportConnectOptions {
  /** Offered application protocols (`wt-available-protocols`), in preference order. */
  protocols?: string[];
  /** Accept the server by certificate hash (as browsers do) instead of the system CAs. */
  serverCertificateHashes?: Array<{ algorithm: 'sha-256'; value: Uint8Array }>;
  origin?: string;
  quic?: Omit<QuicOptions, 'alpn'>;
  signal?: AbortSignal;
}

/** A client session, plus the transport figures a W3C session cannot show. */
export interface ClientSession extends TransportSession {
  stats(): SessionStats;
}

const SYSTEM_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';
const DEFAULT_PORT = 443;

/**
 * Opens a WebTransport session from Node, like `new WebTransport(url, options)` in a browser;
 * resolves once the session is ready.
 */
export async function connectWebTransport(
  url: string | URL,
  options: WebTransportConnectOptions = {},
): Promise<ClientSession> {
  const target = new URL(url);
  if (target.protocol !== 'https:')
    throw new TypeError(`WebTransport needs an https URL: ${target.href}`);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const pinned = options.serverCertificateHashes;
  const verify = !pinned || pinned.length === 0;
  const config = createQuicheConfig(
    { ...options.quic, alpn: ['h3'] },
    undefined,
    verify,
    verify && existsSync(SYSTEM_CA_FILE) ? SYSTEM_CA_FILE : undefined,
  );
  const port = Number(target.port || DEFAULT_PORT);
  const pacing = pacingFor(options.quic);
  const connection = await connectQuic({ host, port, config, pacing });
  const h3 = new H3ClientConnection(connection, {
    authority: target.host,
    path: `${target.pathname}${target.search}`,
    origin: options.origin,
    protocols: options.protocols ?? [],
  });
  const session = h3.session;
  const onAbort = (): void => session.abort(new TransportError('connect aborted', 'session'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  connection.closed
    .then((error) => {
      if (!connection.isEstablished) session.abort(handshakeError(error));
    })
    .catch(() => undefined);
  try {
    await waitEstablished(connection, pinned);
    await session.ready;
  } catch (error) {
    connection.close(0x100, 'connect failed');
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return session;
}

async function waitEstablished(
  connection: Awaited<ReturnType<typeof connectQuic>>,
  pinned: WebTransportConnectOptions['serverCertificateHashes'],
): Promise<void> {
  if (!pinned || pinned.length === 0) return;
  await connection.established;
  const der = connection.peerCertificate();
  const hash = der ? createHash('sha256').update(der).digest() : undefined;
  const match = pinned.some((h) => hash && Buffer.compare(Buffer.from(h.value), hash) === 0);
  if (!match) {
    throw new TransportError(
      'Opening handshake failed: server certificate hash mismatch',
      'session',
    );
  }
}

function handshakeError(error: QuicError | undefined): Error {
  const why = error?.message ?? 'connection closed during the handshake';
  return new TransportError(`Opening handshake failed: ${why}`, 'session');
}
