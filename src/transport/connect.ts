import { connectQmux } from './qmux/index.js';
import type { TransportSession } from './session.js';
import { TransportError } from './transport-error.js';
import { connectWebTransport } from './webtransport/index.js';

/** How a client reaches a server: QUIC, WebSocket, or QUIC with a WebSocket fallback. */
export type TransportChoice = 'auto' | 'quic' | 'websocket';

export interface ConnectOptions {
  /** Application protocols to offer, preferred first (e.g. `moq-00`). */
  protocols?: string[];
  transport?: TransportChoice;
  signal?: AbortSignal;
}

const CERTIFICATE_PATH = '/certificate.sha256';

/**
 * Opens a session by the moq-dev URL convention: `http://host:port/path` means "fetch the
 * certificate's SHA-256 over TCP, then WebTransport to https://host:port/path pinned to it";
 * `https://` means a normally trusted certificate. With `auto`, a QUIC failure (UDP blocked)
 * falls back to QMux over WebSocket on the same port.
 */
export async function connect(
  url: string | URL,
  options: ConnectOptions = {},
): Promise<TransportSession> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TransportError(
      `unsupported URL scheme ${target.protocol} (use http or https)`,
      'session',
    );
  }
  const choice = options.transport ?? 'auto';
  if (choice === 'websocket') return connectQmux(target, options);
  try {
    return await connectQuic(target, options);
  } catch (error) {
    if (choice === 'quic' || options.signal?.aborted) throw error;
    return connectQmux(target, options);
  }
}

async function connectQuic(target: URL, options: ConnectOptions): Promise<TransportSession> {
  if (target.protocol === 'https:') return connectWebTransport(target, options);
  const hash = await fetchCertificateHash(target, options.signal);
  const secure = new URL(target);
  secure.protocol = 'https:';
  return connectWebTransport(secure, {
    ...options,
    serverCertificateHashes: [{ algorithm: 'sha-256', value: hash }],
  });
}

async function fetchCertificateHash(target: URL, signal?: AbortSignal): Promise<Uint8Array> {
  const where = new URL(CERTIFICATE_PATH, target);
  let text: string;
  try {
    const response = await fetch(where, { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = (await response.text()).trim();
  } catch (error) {
    throw new TransportError(`cannot fetch ${where.href}: ${String(error)}`, 'session');
  }
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new TransportError(`${where.href} did not return a SHA-256 hex digest`, 'session');
  }
  return Uint8Array.from(Buffer.from(text, 'hex'));
}
