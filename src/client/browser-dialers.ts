import { abortable } from '../async/index.js';
import type { DialInit, Dialers } from './dialers.js';
import { takeEarlyTransport } from './early-transport.js';

/**
 * The transports a page has: its own `WebTransport` (where the browser has one) and QMux over
 * the browser's WebSocket (`@moq/qmux`).
 */
export function browserDialers(): Dialers {
  const dialers: Dialers = { webSocket: dialQmux };
  if (typeof WebTransport === 'function') dialers.webTransport = dialWebTransport;
  return dialers;
}

async function dialWebTransport(url: URL, init: DialInit): Promise<WebTransport> {
  const hash = init.serverCertificateHashes?.[0]?.value;
  const early = takeEarlyTransport(url, init.protocols, hash);
  if (early) return await ready(early, init.signal);
  const options: WebTransportOptions & { protocols?: string[] } = { protocols: init.protocols };
  if (init.serverCertificateHashes) options.serverCertificateHashes = init.serverCertificateHashes;
  const transport = new WebTransport(url.href, options);
  return await ready(transport, init.signal);
}

async function dialQmux(url: URL, init: DialInit): Promise<WebTransport> {
  // Loaded only when a page falls back to WebSocket: it kept 38 KB out of every join's script.
  const { default: QmuxSession } = await import('@moq/qmux');
  init.signal.throwIfAborted();
  const versions = Object.fromEntries(init.protocols.map((p) => [p, null]));
  const transport = new QmuxSession(url.href, { protocols: init.protocols, versions });
  return await ready(transport, init.signal);
}

async function ready(transport: WebTransport, signal: AbortSignal): Promise<WebTransport> {
  try {
    await abortable(transport.ready, signal);
    return transport;
  } catch (error) {
    try {
      transport.close();
    } catch {
      // Never opened.
    }
    throw error;
  }
}
