import { WebSocket } from 'ws';
import type { TransportSession } from '../session.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import { QmuxError } from './qmux-error.js';
import { QmuxSession, type QmuxConfig, type QmuxSocket } from './qmux-library.js';
import {
  QMUX_VERSIONS,
  clientSubprotocols,
  isProtocolToken,
  parseQmuxSubprotocol,
  type QmuxVersion,
} from './subprotocol.js';

export interface ConnectQmuxOptions {
  /** Application protocols in order of preference (bare, or already `qmux-0N.app`). */
  protocols?: readonly string[];
  /** QMux drafts to offer, preferred first; default all that @moq/qmux speaks. */
  versions?: readonly QmuxVersion[];
  /** Offer no bare `qmux-0N`, so the server must agree on one of `protocols`. */
  requireProtocol?: boolean;
  config?: QmuxConfig;
  /** For https/wss: certificates to trust besides the system's (e.g. a self-signed relay's). */
  ca?: string | string[];
  signal?: AbortSignal;
}

/**
 * Opens a QMux session from Node. @moq/qmux dials through `globalThis.WebSocket`, whose Node
 * version cannot trust an extra CA (a self-signed relay's); the socket comes from `ws` instead and
 * the library runs over it. Resolves once the handshake
 * is done and the session is ready; failures are `QmuxError`s.
 */
export async function connectQmux(
  url: string | URL,
  options: ConnectQmuxOptions = {},
): Promise<TransportSession> {
  const target = toWebSocketUrl(url);
  const subprotocols = clientSubprotocols(
    options.protocols ?? [],
    options.versions ?? QMUX_VERSIONS,
    options.requireProtocol,
  );
  const invalid = subprotocols.find((p) => !isProtocolToken(p));
  if (invalid !== undefined) {
    throw new QmuxError(
      'INVALID_PROTOCOL',
      `${JSON.stringify(invalid)} is not a valid sub-protocol`,
    );
  }
  throwIfAborted(options.signal);

  const socket = new WebSocket(target, subprotocols, {
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  // Handing the socket over before it opens means no message can slip past the session.
  const session = new QmuxSession(socket as unknown as QmuxSocket, { config: options.config });
  try {
    await handshake(socket, target, options.signal);
    await abortable(session.ready, options.signal);
    return session;
  } catch (error) {
    session.close();
    socket.terminate();
    if (error instanceof QmuxError) throw error;
    throw new QmuxError('HANDSHAKE_FAILED', `QMux session to ${target} failed`, { cause: error });
  }
}

function toWebSocketUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new QmuxError('INVALID_URL', `${String(url)} is not a URL`, { cause });
  }
  const schemes: Record<string, string> = {
    'http:': 'ws:',
    'ws:': 'ws:',
    'https:': 'wss:',
    'wss:': 'wss:',
  };
  const scheme = schemes[parsed.protocol];
  if (scheme === undefined) {
    throw new QmuxError('INVALID_URL', `${parsed.href}: QMux needs http(s) or ws(s)`);
  }
  parsed.protocol = scheme;
  parsed.hash = '';
  return parsed.href;
}

/** Waits for the WebSocket upgrade and checks the server chose a QMux sub-protocol. */
function handshake(socket: WebSocket, target: string, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: QmuxError): void => {
      cleanup();
      reject(error);
    };
    const onOpen = (): void => {
      cleanup();
      if (parseQmuxSubprotocol(socket.protocol)) resolve();
      else
        reject(new QmuxError('HANDSHAKE_FAILED', `${target} answered without a QMux sub-protocol`));
    };
    const onResponse = (_req: unknown, res: { statusCode?: number }): void => {
      const status = res.statusCode ?? 0;
      fail(
        new QmuxError('HANDSHAKE_REJECTED', `${target} refused the session: HTTP ${status}`, {
          status,
        }),
      );
    };
    const onError = (cause: Error): void =>
      fail(new QmuxError('HANDSHAKE_FAILED', `cannot open ${target}: ${cause.message}`, { cause }));
    const onClose = (): void =>
      fail(new QmuxError('HANDSHAKE_FAILED', `${target} closed during the handshake`));
    const onAbort = (): void =>
      fail(
        new QmuxError('ABORTED', `connecting to ${target} was aborted`, { cause: signal?.reason }),
      );
    const cleanup = (): void => {
      socket.off('open', onOpen);
      socket.off('unexpected-response', onResponse);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.on('open', onOpen);
    // With a listener here `ws` leaves the refused request to us; connectQmux terminates it.
    socket.on('unexpected-response', onResponse);
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        new QmuxError('ABORTED', 'opening the QMux session was aborted', { cause: signal.reason }),
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new QmuxError('ABORTED', 'connecting was aborted before it started', {
      cause: signal.reason,
    });
  }
}
