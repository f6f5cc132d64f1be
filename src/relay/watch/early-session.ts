import { createHash } from 'node:crypto';
import { DRAFT_14_PROTOCOLS, defaultClientSetupBytes } from '../../moq/index.js';

/** How long an early session waits for the player before the page closes it. */
export const EARLY_SESSION_TTL_MS = 10_000;

/**
 * The watch page's one inline script: it opens the player's WebTransport session while the
 * player's own script is still being fetched and evaluated (issue 14, join), so the QUIC and
 * HTTP/3 handshakes overlap the page's load instead of following it. The player takes the
 * session over when it dials the same URL with the same protocols and certificate
 * (`takeEarlyTransport`, src/client/early-transport.ts); otherwise it closes it.
 *
 * It also opens the session's first bidirectional stream, which the player's setup then uses
 * as its control stream (MoQT §3.3), and writes the player's CLIENT_SETUP on it when the relay
 * chose a draft-14 protocol (the page's `moq-client-setup`, the exact bytes the player would
 * send: EARLY_CLIENT_SETUP). The relay's SERVER_SETUP then waits in the stream for the player,
 * whose setup sends nothing again (src/moq/session/early-setup.ts). Right behind it, in the same
 * write, go the SUBSCRIBEs the player will start with (the page's `moq-early-requests`, from
 * the catalog the page carries: watch-start.ts), unless the page's query asks the player for
 * something else: the relay's answers and the newest group are then on their way while the
 * player's script loads, and the player's session adopts them.
 *
 * Before all that, whatever the transport, it asks for the media devices: that starts the
 * browser's audio service while the page loads, so the player's first audio output, opened
 * right after the first frame, no longer holds that frame up.
 *
 * It reads what it needs from the page's start data (the certificate hash and the protocols to
 * offer), so its text never changes and the CSP allows exactly it by hash: no `unsafe-inline`.
 * It leaves pages that will not use WebTransport alone (`?transport=websocket`, a pinned
 * `?draft=`, no WebTransport in this browser), and closes a session nobody took after
 * EARLY_SESSION_TTL_MS.
 */
export const EARLY_SESSION_SCRIPT = `(() => {
  try {
    // A browser's first audio output holds the page while Chromium starts its audio service;
    // listing the devices starts it now, off the main thread (player-browser/audio-output.ts).
    if (navigator.mediaDevices) navigator.mediaDevices.enumerateDevices().catch(() => {});
    const query = new URLSearchParams(location.search);
    const hash = document.querySelector('meta[name="moq-certificate-sha256"]');
    const offered = document.querySelector('meta[name="moq-protocols"]');
    if (typeof WebTransport !== 'function' || !offered || query.has('draft')) return;
    if (query.get('transport') === 'websocket') return;
    const url = location.origin.replace(/^http:/, 'https:') + '/';
    const protocols = offered.content.split(',');
    const options = { protocols };
    const certificateSha256 = location.protocol === 'http:' && hash ? hash.content : '';
    if (certificateSha256) {
      const bytes = (certificateSha256.match(/../g) || []).map((b) => parseInt(b, 16));
      options.serverCertificateHashes = [{ algorithm: 'sha-256', value: new Uint8Array(bytes) }];
    }
    const transport = new WebTransport(url, options);
    // The player replaces the method on this object when it takes the session over
    // (client/early-transport.ts): the page's own stream must not go through that.
    const openStream = transport.createBidirectionalStream.bind(transport);
    const early = { url, protocols, certificateSha256, transport };
    // The session's control stream too: creating one is a round trip to the browser's network
    // process. Also when the player took the session before it was up (it waits for this), but
    // not once its setup opened its own stream: one opened here would come first, and the relay
    // would wait for a setup on it.
    transport.ready.then(() => {
      if (early.declined) return;
      early.stream = openStream();
      early.stream.catch(() => {});
      const setup = document.querySelector('meta[name="moq-client-setup"]');
      const setupProtocols = setup ? (setup.dataset.protocols || '').split(',') : [];
      if (!setup || !setupProtocols.includes(transport.protocol)) return;
      const decode = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
      const bytes = decode(setup.content);
      // The SUBSCRIBEs the player starts with, when it starts as the page predicted (no options).
      const requests = document.querySelector('meta[name="moq-early-requests"]');
      const asked = ['rendition', 'abr', 'mode'].some((option) => query.has(option));
      if (requests && !asked) early.requests = decode(requests.content);
      const written = new Uint8Array(bytes.length + (early.requests ? early.requests.length : 0));
      written.set(bytes);
      if (early.requests) written.set(early.requests, bytes.length);
      early.setup = early.stream.then(async (stream) => {
        const writer = stream.writable.getWriter();
        try {
          await writer.write(written);
          return bytes;
        } finally {
          writer.releaseLock();
        }
      }).catch(() => undefined);
    }, () => {});
    window.moqEarlyTransport = early;
    setTimeout(() => {
      if (window.moqEarlyTransport !== early) return;
      window.moqEarlyTransport = undefined;
      transport.close();
    }, ${EARLY_SESSION_TTL_MS});
  } catch {
    // The player dials as it always did.
  }
})();`;

/**
 * The player's CLIENT_SETUP for the page to write early, and the protocols it is valid on (the
 * draft-14 ones: moqt-16 and moqt-18 sessions set up differently).
 */
export const EARLY_CLIENT_SETUP = {
  base64: Buffer.from(defaultClientSetupBytes()).toString('base64'),
  protocols: DRAFT_14_PROTOCOLS,
} as const;

/** The CSP source that allows EARLY_SESSION_SCRIPT and nothing else inline (CSP 3 §hash-source). */
export const EARLY_SESSION_SCRIPT_HASH = `'sha256-${createHash('sha256')
  .update(EARLY_SESSION_SCRIPT)
  .digest('base64')}'`;
