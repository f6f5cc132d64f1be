import { RelayClientError } from './relay-client-error.js';

/**
 * A relay URL by the moq-dev convention: `http://host:port/path` means "fetch the certificate's
 * SHA-256 over HTTP, then WebTransport to https://host:port/path pinned to it"; `https://` means a
 * normally trusted certificate. Anything else is BAD_URL.
 */
export function parseRelayUrl(url: string | URL): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    throw new RelayClientError('BAD_URL', `${String(url)} is not a URL`, { cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new RelayClientError('BAD_URL', `${target.href}: use an http:// or https:// relay URL`);
  }
  return target;
}

/** The WebTransport address for a relay URL (always https). */
export function webTransportUrl(target: URL): URL {
  const secure = new URL(target);
  secure.protocol = 'https:';
  return secure;
}

/** The WebSocket address for a relay URL (ws for http, wss for https). */
export function webSocketUrl(target: URL): URL {
  const socket = new URL(target);
  socket.protocol = target.protocol === 'https:' ? 'wss:' : 'ws:';
  return socket;
}

/** The URL for logs and messages: a `?jwt=` token is a credential and never printed. */
export function displayUrl(url: string | URL): string {
  const shown = new URL(url);
  if (shown.searchParams.has('jwt')) shown.searchParams.set('jwt', '…');
  return shown.href;
}
