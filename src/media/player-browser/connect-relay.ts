import QmuxSession from '@moq/qmux';
import { DRAFT_14_PROTOCOLS, MoqSession } from '../../moq/index.js';
import { PlayerError } from './player-error.js';
import type { RelayTransport } from './player-types.js';

export interface ConnectRelayOptions {
  signal?: AbortSignal;
  /** `auto` tries native WebTransport first and falls back to QMux over WebSocket. */
  transport?: RelayTransport | 'auto';
  /** How long the QUIC attempt may take before falling back. */
  quicTimeoutMs?: number;
}

/** A MoQ session to the relay, and which transport carries it. */
export interface RelayConnection {
  session: MoqSession;
  transport: RelayTransport;
}

const CERTIFICATE_PATH = '/certificate.sha256';
const DEFAULT_QUIC_TIMEOUT_MS = 4000;

/**
 * Connects to a relay by the moq-dev URL convention: `http://host:port/` means "fetch the
 * certificate hash over HTTP, then WebTransport to https://host:port/ pinned to it"; `https://`
 * means a normally trusted certificate. When QUIC fails (UDP blocked, no WebTransport in this
 * browser) the same wire runs as QMux over a WebSocket on the same port.
 */
export async function connectRelay(
  url: string,
  options: ConnectRelayOptions = {},
): Promise<RelayConnection> {
  const target = parseRelayUrl(url);
  const choice = options.transport ?? 'auto';
  if (choice !== 'websocket' && typeof WebTransport === 'function') {
    try {
      return { session: await connectQuic(target, options), transport: 'webtransport' };
    } catch (error) {
      if (choice === 'webtransport' || options.signal?.aborted) throw asConnectError(error);
    }
  }
  try {
    return { session: await connectWebSocket(target, options), transport: 'websocket' };
  } catch (error) {
    throw asConnectError(error);
  }
}

function parseRelayUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    throw new PlayerError('BAD_URL', `${url} is not a URL`, { cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new PlayerError('BAD_URL', `${url}: use an http or https relay URL`);
  }
  return target;
}

async function connectQuic(target: URL, options: ConnectRelayOptions): Promise<MoqSession> {
  const secure = new URL(target);
  secure.protocol = 'https:';
  const init: WebTransportOptions & { protocols?: string[] } = {
    protocols: [...DRAFT_14_PROTOCOLS],
  };
  if (target.protocol === 'http:') {
    const value = await fetchCertificateHash(target, options.signal);
    init.serverCertificateHashes = [{ algorithm: 'sha-256', value }];
  }
  const transport = new WebTransport(secure.href, init);
  const timeout = AbortSignal.timeout(options.quicTimeoutMs ?? DEFAULT_QUIC_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  return await withAbort(MoqSession.connect(transport, { signal: options.signal }), signal, () =>
    transport.close(),
  );
}

async function connectWebSocket(target: URL, options: ConnectRelayOptions): Promise<MoqSession> {
  const socketUrl = new URL(target);
  socketUrl.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  const versions = Object.fromEntries(DRAFT_14_PROTOCOLS.map((p) => [p, null]));
  const transport = new QmuxSession(socketUrl.href, {
    protocols: [...DRAFT_14_PROTOCOLS],
    versions,
  });
  const signal = options.signal ?? new AbortController().signal;
  return await withAbort(MoqSession.connect(transport, { signal: options.signal }), signal, () =>
    transport.close(),
  );
}

async function fetchCertificateHash(
  target: URL,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const where = new URL(CERTIFICATE_PATH, target);
  const response = await fetch(where, { signal, cache: 'no-store' });
  if (!response.ok) throw new Error(`${where.href}: HTTP ${response.status}`);
  const text = (await response.text()).trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${where.href} is not a SHA-256 hex digest`);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Races work against a signal; on abort the transport is closed so nothing lingers. */
function withAbort<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      try {
        onAbort();
      } catch {
        // Already closed.
      }
      reject(new PlayerError('ABORTED', 'connecting was aborted or timed out'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

function asConnectError(error: unknown): PlayerError {
  if (error instanceof PlayerError && error.code !== 'ABORTED') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PlayerError('CONNECT_FAILED', `cannot reach the relay: ${message}`, { cause: error });
}
