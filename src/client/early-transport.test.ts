// Which early session a dial takes over (the browser side is e2e/watch-join.test.ts, in Chromium):
// only one opened for exactly that URL, protocol list and certificate, once; any other is closed.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { certificateHashFromHex } from './certificate-hash.js';
import { openedEarly, takeEarlyTransport } from './early-transport.js';

const URL_HREF = 'https://127.0.0.1:4443/';
const PROTOCOLS = ['moq-00', 'moqt-16'];
const HASH = 'ab'.repeat(32);
const HASH_BYTES = certificateHashFromHex(HASH);

/** The part of a WebTransport these functions touch, recording what was done to it. */
class SessionStandIn {
  closed = false;
  opened = 0;
  readonly ready: Promise<void>;
  readonly up: () => void;
  constructor() {
    let up!: () => void;
    this.ready = new Promise((resolve) => (up = resolve));
    this.up = up;
  }
  close(): void {
    this.closed = true;
  }
  createBidirectionalStream(): Promise<WebTransportBidirectionalStream> {
    this.opened += 1;
    return Promise.resolve({ opened: this.opened } as unknown as WebTransportBidirectionalStream);
  }
}

function leave(standIn: SessionStandIn, overrides: Partial<EarlyFields> = {}): WebTransport {
  const transport = standIn as unknown as WebTransport;
  globalThis.moqEarlyTransport = {
    url: URL_HREF,
    protocols: PROTOCOLS,
    certificateSha256: HASH,
    transport,
    ...overrides,
  };
  return transport;
}

interface EarlyFields {
  url: string;
  protocols: string[];
  certificateSha256: string;
  stream: Promise<WebTransportBidirectionalStream>;
}

afterEach(() => {
  globalThis.moqEarlyTransport = undefined;
});

test('nothing left by the page: the dial opens its own session', () => {
  assert.equal(takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES), undefined);
});

test('the matching session is taken once, and reported as opened early', () => {
  const standIn = new SessionStandIn();
  const transport = leave(standIn);
  assert.equal(takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES), transport);
  assert.equal(openedEarly(transport), true);
  assert.equal(standIn.closed, false);
  assert.equal(takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES), undefined, 'once');
  assert.equal(openedEarly(new SessionStandIn() as unknown as WebTransport), false);
});

test('its pre-opened stream answers the first createBidirectionalStream, later ones open anew', async () => {
  const standIn = new SessionStandIn();
  const early = { early: true } as unknown as WebTransportBidirectionalStream;
  const transport = leave(standIn, { stream: Promise.resolve(early) });
  const taken = takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES);
  assert.equal(taken, transport);
  assert.equal(await transport.createBidirectionalStream(), early);
  assert.deepEqual(await transport.createBidirectionalStream(), { opened: 1 });
  assert.equal(standIn.opened, 1);
});

test('taken, and the page never opened a stream: the setup opens its own, and the page none', async () => {
  const standIn = new SessionStandIn();
  const transport = leave(standIn);
  const early = globalThis.moqEarlyTransport;
  takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES);
  standIn.up();
  assert.deepEqual(await transport.createBidirectionalStream(), { opened: 1 });
  assert.equal(early?.declined, true, 'the page is told not to open one after ours');
});

test('taken before the session was up: the stream the page opens once it is up is handed out', async () => {
  const standIn = new SessionStandIn();
  const transport = leave(standIn);
  const early = globalThis.moqEarlyTransport;
  assert.ok(early);
  const pageStream = { page: true } as unknown as WebTransportBidirectionalStream;
  // The page's reaction to `ready` was registered when it opened the session, before the player.
  void standIn.ready.then(() => {
    if (!early.declined) early.stream = Promise.resolve(pageStream);
  });
  takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES);
  const asked = transport.createBidirectionalStream();
  standIn.up();
  assert.equal(await asked, pageStream);
  assert.equal(standIn.opened, 0, 'no stream of its own');
  assert.equal(early.declined, undefined);
});

test('a session opened for another URL, protocol list or certificate is closed, not used', () => {
  const cases: Array<Partial<EarlyFields>> = [
    { url: 'https://127.0.0.1:4444/' },
    { protocols: ['moqt-16', 'moq-00'] },
    { protocols: ['moq-00'] },
    { certificateSha256: 'cd'.repeat(32) },
    { certificateSha256: '' },
  ];
  for (const overrides of cases) {
    const standIn = new SessionStandIn();
    const transport = leave(standIn, overrides);
    const early = globalThis.moqEarlyTransport;
    const label = JSON.stringify(overrides);
    assert.equal(takeEarlyTransport(new URL(URL_HREF), PROTOCOLS, HASH_BYTES), undefined, label);
    assert.equal(standIn.closed, true, label);
    assert.equal(openedEarly(transport), false, label);
    assert.equal(globalThis.moqEarlyTransport, undefined, label);
    assert.equal(early?.declined, true, `${label}: the page opens no stream on it`);
  }
});
