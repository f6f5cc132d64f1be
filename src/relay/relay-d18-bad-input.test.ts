import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { protocolsForDraft } from '../client/index.js';
import {
  ClientSetup,
  D18MessageDecoder,
  SessionCloseCode,
  SetupParameters,
  encodeD18Message,
  type ControlMessage,
} from '../moq/index.js';
import { connectQmux } from '../transport/index.js';
import { Relay } from './relay.js';
import { join, publisher, readAll, writeGroups } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

const expected = (groups: number, objects: number): Array<{ groupId: number; objects: string[] }> =>
  Array.from({ length: groups }, (_, g) => ({
    groupId: g,
    objects: Array.from({ length: objects }, (_, o) => `${g}:${o}`),
  }));

/** A bystander: a draft-18 publisher and a draft-18 viewer of it, checked after each attack. */
async function bystanderDelivers(name: string): Promise<void> {
  const ns = ['d18-bystander', name];
  const pub = await publisher(relay, ns, 'data', 'quic', protocolsForDraft(18));
  const viewer = await join(relay, 'websocket', protocolsForDraft(18));
  const reading = readAll(await viewer.subscribe(ns, 'data'));
  await writeGroups(pub.track, 2, 3);
  pub.track.close();
  assert.deepEqual(await reading, expected(2, 3));
  viewer.close();
  pub.session.close();
}

/** A bare moqt-18 QMux session of our own making, for writing bytes by hand. */
async function rawD18(): Promise<WebTransport> {
  const transport = await connectQmux(`http://127.0.0.1:${relay.port}/`, {
    protocols: ['moqt-18'],
    requireProtocol: true,
  });
  await transport.ready;
  assert.equal((transport as { protocol?: string }).protocol, 'moqt-18');
  return transport;
}

async function writeUni(transport: WebTransport, bytes: Uint8Array): Promise<void> {
  const writable = await transport.createUnidirectionalStream();
  const writer = writable.getWriter();
  await writer.write(bytes);
  writer.releaseLock();
}

/** Our SETUP, then the relay's read from its control stream (the first uni stream it opens). */
async function setUp(transport: WebTransport): Promise<void> {
  const setup = new ClientSetup({ supportedVersions: [], parameters: SetupParameters.from({}) });
  await writeUni(transport, encodeD18Message(setup));
  const reader = (
    transport.incomingUnidirectionalStreams as ReadableStream<ReadableStream<Uint8Array>>
  ).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  assert.ok(value, 'the relay opens its control stream');
  const answer = await readMessage(value, 0);
  assert.equal(answer?.kind, 'server_setup');
}

async function readMessage(
  readable: ReadableStream<Uint8Array>,
  requestId: number,
): Promise<ControlMessage | undefined> {
  const decoder = new D18MessageDecoder({ requestId, reader: 'client' });
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      decoder.push(value);
      const message = decoder.next();
      if (message) return message;
    }
  } finally {
    reader.releaseLock();
  }
}

describe('relay: bad draft-18 input ends only what it came on', () => {
  test('a draft-14 CLIENT_SETUP on moqt-18 closes that session: VERSION_NEGOTIATION_FAILED', async () => {
    const transport = await rawD18();
    const stream = await transport.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    // Type 0x20, length 11: one version (draft-14, 8-byte varint), no parameters.
    await writer.write(Uint8Array.from([0x20, 0, 11, 1, 0xc0, 0, 0, 0, 0xff, 0, 0, 0x0e, 0]));
    const info = await transport.closed;
    assert.equal(info.closeCode, SessionCloseCode.VERSION_NEGOTIATION_FAILED);
    assert.match(info.reason ?? '', /CLIENT_SETUP.*moqt-18/);
    await bystanderDelivers('old-setup');
  });

  test('malformed SETUP bytes (a truncated option) close that session: PROTOCOL_VIOLATION', async () => {
    const transport = await rawD18();
    // SETUP 0x2F00 (vi64: 0xAF 0x00), length 2, one option: type delta 1 (PATH), length 5, no bytes.
    await writeUni(transport, Uint8Array.from([0xaf, 0x00, 0, 2, 0x01, 0x05]));
    const info = await transport.closed;
    assert.equal(info.closeCode, SessionCloseCode.PROTOCOL_VIOLATION);
    assert.ok((info.reason ?? '').length > 0, 'a reason is given');
    await bystanderDelivers('bad-setup');
  });

  test('a request stream that begins with SUBSCRIBE_OK closes that session', async () => {
    const transport = await rawD18();
    await setUp(transport);
    const stream = await transport.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    // SUBSCRIBE_OK (0x4): Track Alias 0, no parameters: an answer where a request must be.
    await writer.write(Uint8Array.from([0x04, 0, 2, 0, 0]));
    const info = await transport.closed;
    assert.equal(info.closeCode, SessionCloseCode.PROTOCOL_VIOLATION);
    assert.match(info.reason ?? '', /request stream begins with subscribe_ok/);
    await bystanderDelivers('bad-first');
  });

  test('a request type not built (FETCH) gets REQUEST_ERROR NOT_SUPPORTED; the session goes on', async () => {
    const transport = await rawD18();
    await setUp(transport);
    const stream = await transport.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    // FETCH (0x16) with a body we never read.
    await writer.write(Uint8Array.from([0x16, 0, 1, 0]));
    const answer = await readMessage(stream.readable as ReadableStream<Uint8Array>, 0);
    assert.equal(answer?.kind, 'request_error');
    assert.equal(answer.kind === 'request_error' && answer.errorCode, 0x3);
    assert.match(answer.kind === 'request_error' ? answer.reasonPhrase : '', /FETCH/);
    // The session is still open: a SUBSCRIBE to a missing track is answered, not dropped.
    const sub = await transport.createBidirectionalStream();
    const subWriter = sub.writable.getWriter();
    // SUBSCRIBE: Request ID 0, namespace ("x"), name "y", no parameters.
    await subWriter.write(Uint8Array.from([0x03, 0, 7, 0, 1, 1, 0x78, 1, 0x79, 0]));
    const refused = await readMessage(sub.readable as ReadableStream<Uint8Array>, 0);
    assert.equal(refused?.kind, 'request_error');
    transport.close();
  });

  test('a request stream that never finishes its first message is reset; the session goes on', async () => {
    const transport = await rawD18();
    await setUp(transport);
    const stalled = await transport.createBidirectionalStream();
    const writer = stalled.writable.getWriter();
    // SUBSCRIBE's header promises 7 bytes; 2 come.
    await writer.write(Uint8Array.from([0x03, 0, 7, 0, 1]));
    const reader = stalled.readable.getReader();
    await assert.rejects(reader.read(), 'the relay resets the stream it gave up on');
    // The same session still serves a whole request.
    const sub = await transport.createBidirectionalStream();
    const subWriter = sub.writable.getWriter();
    await subWriter.write(Uint8Array.from([0x03, 0, 7, 2, 1, 1, 0x78, 1, 0x79, 0]));
    const refused = await readMessage(sub.readable as ReadableStream<Uint8Array>, 2);
    assert.equal(refused?.kind, 'request_error');
    transport.close();
    await bystanderDelivers('stalled');
  });

  test('a SUBSCRIBE sent before SETUP waits for it, then is answered (§Session initialization)', async () => {
    const transport = await rawD18();
    const sub = await transport.createBidirectionalStream();
    const writer = sub.writable.getWriter();
    await writer.write(Uint8Array.from([0x03, 0, 7, 0, 1, 1, 0x78, 1, 0x79, 0]));
    await setUp(transport);
    const refused = await readMessage(sub.readable as ReadableStream<Uint8Array>, 0);
    assert.equal(refused?.kind, 'request_error', 'no such track, answered on its stream');
    transport.close();
  });

  test('a SUBSCRIBE cancelled at once (reset and STOP_SENDING) ends only that request', async () => {
    const ns = ['d18-cancelled'];
    const pub = await publisher(relay, ns, 'data', 'quic', protocolsForDraft(18));
    const transport = await rawD18();
    await setUp(transport);
    const sub = await transport.createBidirectionalStream();
    const writer = sub.writable.getWriter();
    // SUBSCRIBE: Request ID 0, namespace ("d18-cancelled"), name "data", no parameters.
    const name = new TextEncoder().encode('d18-cancelled');
    const payload = [0, 1, name.length, ...name, 4, ...new TextEncoder().encode('data'), 0];
    await writer.write(Uint8Array.from([0x03, 0, payload.length, ...payload]));
    await writer.abort(new Error('changed my mind'));
    await sub.readable.cancel(new Error('changed my mind'));
    // The same session then subscribes again and is answered on the new stream.
    const again = await transport.createBidirectionalStream();
    const againWriter = again.writable.getWriter();
    payload[0] = 2;
    await againWriter.write(Uint8Array.from([0x03, 0, payload.length, ...payload]));
    const answer = await readMessage(again.readable as ReadableStream<Uint8Array>, 2);
    assert.equal(answer?.kind, 'subscribe_ok');
    transport.close();
    pub.session.close();
    await bystanderDelivers('cancelled');
  });
});
