/**
 * Draft-16 namespace discovery at the relay (draft-16 §Subscribing to Namespaces): a
 * SUBSCRIBE_NAMESPACE on a bidirectional stream of its own is answered on that stream with
 * REQUEST_OK, then NAMESPACE / NAMESPACE_DONE per namespace under the prefix; FIN from the
 * subscriber cancels it. Any other message opening a bidi stream is PROTOCOL_VIOLATION for that
 * session only. @moq/net's side of the same flow: e2e/moq-net/net-announced.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ClientSetup,
  NamespaceReplyDecoder,
  SessionCloseCode,
  SetupParameters,
  SubscribeNamespace,
  Version,
  encodeControlMessage,
  type NamespaceReply,
} from '../moq/index.js';
import { dialRelay, protocolsForDraft } from '../client/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import { Relay } from './relay.js';
import { join, publisher, until } from './relay-test-kit.js';

const D16 = Version.DRAFT_16;
let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

/** A draft-16 session set up by hand, to open bidi streams with any bytes on them. */
async function rawD16(): Promise<TransportSession> {
  const { transport: session } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport: 'quic',
    protocols: protocolsForDraft(16),
  });
  const control = await session.createBidirectionalStream();
  const setup = new ClientSetup({
    supportedVersions: [],
    parameters: SetupParameters.from({ maxRequestId: 10 }),
  });
  await control.writable.getWriter().write(encodeControlMessage(setup, D16));
  const reader = control.readable.getReader();
  await reader.read(); // SERVER_SETUP
  reader.releaseLock();
  return session;
}

test('our draft-16 announced() sees a namespace come and go; a draft-14 watcher does too', async () => {
  const watcher16 = await join(relay, 'quic', protocolsForDraft(16));
  const watcher14 = await join(relay, 'quic');
  const seen16 = watcher16.announced(['d16'])[Symbol.asyncIterator]();
  const seen14 = watcher14.announced(['d16'])[Symbol.asyncIterator]();
  const ours = await publisher(relay, ['d16', 'show'], 'data', 'quic', protocolsForDraft(16));
  const came = { value: { namespace: ['d16', 'show'], active: true }, done: false };
  assert.deepEqual(await seen16.next(), came);
  assert.deepEqual(await seen14.next(), came);
  ours.session.close();
  const went = { value: { namespace: ['d16', 'show'], active: false }, done: false };
  assert.deepEqual(await seen16.next(), went);
  assert.deepEqual(await seen14.next(), went);
  watcher16.close();
  watcher14.close();
});

test('the wire: REQUEST_OK first, then NAMESPACE with the suffix; FIN cancels', async () => {
  const ours = await publisher(relay, ['wire', 'a', 'b'], 'data', 'quic', protocolsForDraft(16));
  const session = await rawD16();
  const stream = await session.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  const request = new SubscribeNamespace({ requestId: 0, trackNamespacePrefix: ['wire'] });
  await writer.write(encodeControlMessage(request, D16));
  const decoder = new NamespaceReplyDecoder(D16);
  const replies: NamespaceReply[] = [];
  const reader = stream.readable.getReader();
  while (replies.length < 2) {
    const { value, done } = await reader.read();
    if (done) break;
    decoder.push(value);
    for (let reply = decoder.next(); reply; reply = decoder.next()) replies.push(reply);
  }
  assert.equal((replies[0] as { kind?: string }).kind, 'request_ok');
  assert.deepEqual(replies[1], { suffix: ['a', 'b'], active: true });
  await writer.close();
  // The relay ends its side once the subscriber's FIN arrives.
  for (let r = await reader.read(); !r.done; r = await reader.read());
  ours.session.close();
  session.close();
});

test('a bidi stream opening with anything but SUBSCRIBE_NAMESPACE closes that session only', async () => {
  const healthy = await join(relay, 'quic', protocolsForDraft(16));
  const session = await rawD16();
  const stream = await session.createBidirectionalStream();
  await stream.writable.getWriter().write(Uint8Array.from([0x03, 0x00, 0x01, 0x00]));
  const info = await session.closed.catch((error: unknown) => error as WebTransportCloseInfo);
  assert.equal(info.closeCode, SessionCloseCode.PROTOCOL_VIOLATION);
  const seen = healthy.announced(['after'])[Symbol.asyncIterator]();
  const ours = await publisher(relay, ['after', 'x'], 'data', 'quic', protocolsForDraft(16));
  assert.deepEqual((await seen.next()).value, { namespace: ['after', 'x'], active: true });
  await until(() => relay.origin.route(['after', 'x']) !== undefined);
  ours.session.close();
  healthy.close();
});
