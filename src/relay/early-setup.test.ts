// The player's CLIENT_SETUP written early on the session's first stream (the watch page does it
// in Chromium: e2e/watch-join.test.ts): the client's setup then sends nothing again, and the
// session works; a different setup already on the stream is refused before anything is sent.
// SUBSCRIBEs written behind it are answered at once and adopted by the session's own requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ClientSetup,
  defaultClientSetupBytes,
  DRAFT_14_PROTOCOLS,
  earlySubscribeBytes,
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
import { publisher, readAll, until, writeGroups } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

/**
 * A session whose first stream carries `bytes` already (and `requests` behind them, in the same
 * write), handed over as the page hands it.
 */
async function earlySession(bytes: Uint8Array, requests?: Uint8Array): Promise<WebTransport> {
  const url = new URL(`https://127.0.0.1:${relay.port}/`);
  const { transport } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport: 'quic',
    protocols: DRAFT_14_PROTOCOLS,
  });
  const stream = transport.createBidirectionalStream();
  const written = new Uint8Array([...bytes, ...(requests ?? [])]);
  const setup = stream.then(async (opened) => {
    const writer = opened.writable.getWriter();
    await writer.write(written);
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
    ...(requests ? { requests } : {}),
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

test('SUBSCRIBEs written behind the setup are answered at once and adopted, never sent twice', async () => {
  const namespace = ['early', 'requests'];
  const { session: pub, broadcast, track } = await publisher(relay, namespace, 'video');
  const audio = broadcast.createTrack('audio');
  await writeGroups(track, 1, 2); // the newest group, cached at the relay once asked for
  const requests = earlySubscribeBytes([{ namespace, name: 'video' }]);
  const transport = await earlySession(defaultClientSetupBytes(), requests);
  // The relay answers before the session exists: the publisher is asked upstream meanwhile.
  await until(() => pub.servedSubscriptions.some((s) => s.trackName === 'video'));
  const session = await MoqSession.connect(transport);
  try {
    const consumer = await session.subscribe(namespace, 'video');
    assert.deepEqual(session.earlySubscriptions, { written: 1, adopted: 1 });
    // The session's own next request takes the id after the page's: a reused id would be a
    // protocol violation at the relay, and this subscription would fail.
    const audioConsumer = await session.subscribe(namespace, 'audio');
    const read = readAll(consumer);
    const readAudio = readAll(audioConsumer);
    await writeGroups(track, 1, 2);
    await writeGroups(audio, 1, 1);
    track.close();
    audio.close();
    assert.deepEqual(
      (await read).flatMap((g) => g.objects),
      ['0:0', '0:1', '1:0', '1:1'],
      'the group cached before the session started, then the live one',
    );
    assert.deepEqual(
      (await readAudio).flatMap((g) => g.objects),
      ['0:0'],
    );
  } finally {
    session.close();
    pub.close();
  }
});

test('SUBSCRIBEs written ahead that differ are ended before ours; ones never asked for, after a while', async () => {
  const namespace = ['early', 'unadopted'];
  const { session: pub, broadcast, track } = await publisher(relay, namespace, 'video');
  const other = broadcast.createTrack('other');
  await writeGroups(track, 1, 1);
  await writeGroups(other, 1, 1);
  const requests = earlySubscribeBytes([
    { namespace, name: 'video', options: { priority: 7 } },
    { namespace, name: 'other' },
  ]);
  const transport = await earlySession(defaultClientSetupBytes(), requests);
  const session = await MoqSession.connect(transport, { earlyAdoptMs: 300 });
  try {
    await until(() => pub.servedSubscriptions.length === 2);
    // Asked with other options than the page wrote: the page's is ended, then ours is sent (a
    // second subscription to the track would have closed the session).
    const consumer = await session.subscribe(namespace, 'video');
    assert.deepEqual(session.earlySubscriptions, { written: 2, adopted: 0 });
    const read = readAll(consumer);
    await writeGroups(track, 1, 1);
    // Nobody asked for `other`: the relay lets it go upstream once the page's ends.
    await until(() => pub.servedSubscriptions.every((s) => s.trackName === 'video'));
    await writeGroups(track, 1, 1);
    track.close();
    assert.deepEqual(
      (await read).flatMap((g) => g.objects),
      ['0:0', '1:0', '2:0'],
    );
  } finally {
    session.close();
    pub.close();
  }
});

test('anything but SUBSCRIBEs in order behind the setup: the client refuses to go on', async () => {
  const setup = defaultClientSetupBytes();
  const second = earlySubscribeBytes([
    { namespace: ['x'], name: 'a' },
    { namespace: ['x'], name: 'b' },
  ]);
  const onlySecond = second.subarray(earlySubscribeBytes([{ namespace: ['x'], name: 'a' }]).length);
  for (const requests of [onlySecond, second.subarray(0, second.length - 1), setup]) {
    const transport = await earlySession(setup, requests);
    await assert.rejects(MoqSession.connect(transport), (error: unknown) => {
      assert.ok(error instanceof MoqError);
      assert.equal(error.code, SessionCloseCode.INTERNAL_ERROR);
      return true;
    });
  }
});
