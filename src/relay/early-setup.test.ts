// The player's CLIENT_SETUP written early on the session's first stream (the watch page does it
// in Chromium: e2e/watch-join.test.ts): the client's setup then sends nothing again, and the
// session works; a different setup already on the stream is refused before anything is sent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ClientSetup,
  defaultClientSetupBytes,
  DRAFT_14_PROTOCOLS,
  encodeControlMessage,
  MoqError,
  MoqSession,
  SessionCloseCode,
  SetupParameters,
  Version,
} from '../moq/index.js';
import { dialRelay, setupSentEarly, takeEarlyTransport } from '../client/index.js';
import { nodeDialers } from '../transport/index.js';
import { Relay } from './relay.js';
import { publisher, readAll, writeGroups } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

/** A session whose first stream carries `bytes` already, handed over as the page hands it. */
async function earlySession(bytes: Uint8Array): Promise<WebTransport> {
  const url = new URL(`https://127.0.0.1:${relay.port}/`);
  const { transport } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport: 'quic',
    protocols: DRAFT_14_PROTOCOLS,
  });
  const stream = transport.createBidirectionalStream();
  const setup = stream.then(async (opened) => {
    const writer = opened.writable.getWriter();
    await writer.write(bytes);
    writer.releaseLock();
    return bytes;
  });
  globalThis.moqEarlyTransport = {
    url: url.href,
    protocols: [...DRAFT_14_PROTOCOLS],
    certificateSha256: '',
    transport,
    stream,
    setup,
  };
  const taken = takeEarlyTransport(url, DRAFT_14_PROTOCOLS, undefined);
  assert.equal(taken, transport);
  return transport;
}

test('the setup written early is not sent again: the relay answers it and the session works', async () => {
  const { session: pub, track } = await publisher(relay, ['early', 'setup'], 'video');
  const transport = await earlySession(defaultClientSetupBytes());
  const session = await MoqSession.connect(transport);
  try {
    assert.equal(setupSentEarly(transport), true);
    assert.equal(session.version, Version.DRAFT_14);
    // A second CLIENT_SETUP on the control stream would be a protocol violation at the relay:
    // a subscription answered and served shows the session is whole.
    const consumer = await session.subscribe(['early', 'setup'], 'video');
    const read = readAll(consumer);
    await writeGroups(track, 2, 3);
    track.close();
    const groups = await read;
    assert.deepEqual(
      groups.flatMap((g) => g.objects),
      ['0:0', '0:1', '0:2', '1:0', '1:1', '1:2'],
    );
  } finally {
    session.close();
    pub.close();
  }
});

test('another setup already on the stream: the client refuses to go on, with its own error', async () => {
  const other = encodeControlMessage(
    new ClientSetup({
      supportedVersions: [Version.DRAFT_14],
      parameters: SetupParameters.from({ maxRequestId: 7, implementation: 'elsewhere' }),
    }),
  );
  const transport = await earlySession(other);
  await assert.rejects(MoqSession.connect(transport), (error: unknown) => {
    assert.ok(error instanceof MoqError);
    assert.equal(error.code, SessionCloseCode.INTERNAL_ERROR);
    return true;
  });
});
