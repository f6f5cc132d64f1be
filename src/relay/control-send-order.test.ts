/**
 * MoQ gives each stream that carries control messages the control send order, above every
 * group's, on every protocol the relay speaks: draft-14 and -16's control stream, draft-18's
 * setup and request streams, moq-lite's announce and subscribe streams. Groups keep their own
 * (lower) order. Real relay, real QUIC; the transport orders streams by it
 * (src/transport/webtransport/webtransport.test.ts shows that part).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dialRelay } from '../client/index.js';
import {
  BroadcastProducer,
  CONTROL_SEND_ORDER,
  LITE_PROTOCOLS,
  LiteSession,
  MoqSession,
  Version,
  liteVersionOfProtocol,
  protocolsOfVersion,
  type TrackConsumer,
} from '../moq/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import { Relay } from './relay.js';
import { publisher, until, writeGroups } from './relay-test-kit.js';

interface Opened {
  kind: 'bidi' | 'uni';
  writable: WritableStream & { sendOrder?: number | null };
}

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

/** A transport to the relay offering `protocols`, recording every stream this side opens. */
async function recordedTransport(
  protocols: readonly string[],
): Promise<{ transport: TransportSession; opened: Opened[] }> {
  const { transport } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport: 'quic',
    protocols,
  });
  const opened: Opened[] = [];
  const bidi = transport.createBidirectionalStream.bind(transport);
  const uni = transport.createUnidirectionalStream.bind(transport);
  transport.createBidirectionalStream = async (options) => {
    const stream = await bidi(options);
    opened.push({ kind: 'bidi', writable: stream.writable });
    return stream;
  };
  transport.createUnidirectionalStream = async (options) => {
    const writable = await uni(options);
    opened.push({ kind: 'uni', writable });
    return writable;
  };
  return { transport, opened };
}

async function firstGroup(consumer: TrackConsumer): Promise<void> {
  const group = await consumer.nextGroup(AbortSignal.timeout(10_000));
  assert.ok(group, 'a group arrives');
}

for (const [label, version] of [
  ['draft-14', Version.DRAFT_14],
  ['draft-16', Version.DRAFT_16],
  ['draft-18', Version.DRAFT_18],
] as const) {
  test(`${label}: control and request streams go first, groups keep their own order`, async () => {
    const { transport, opened } = await recordedTransport(protocolsOfVersion(version));
    const session = await MoqSession.connect(transport);
    const namespace = ['send-order', label];
    // This session publishes and subscribes its own broadcast through the relay: it opens
    // control or request streams as a subscriber, and group streams as a publisher.
    const broadcast = new BroadcastProducer(namespace);
    const track = broadcast.createTrack('video');
    await session.publish(broadcast);
    await until(() => relay.origin.route(namespace) !== undefined);
    const consumer = await session.subscribe(namespace, 'video');
    const arriving = firstGroup(consumer);
    await writeGroups(track, 2, 2);
    await arriving;
    const control = opened.filter((o) => o.writable.sendOrder === CONTROL_SEND_ORDER);
    const data = opened.filter((o) => o.writable.sendOrder !== CONTROL_SEND_ORDER);
    assert.ok(control.length >= 1, 'a control stream');
    assert.ok(
      opened.filter((o) => o.kind === 'bidi').every((o) => control.includes(o)),
      'every bidirectional stream this session opened carries control messages',
    );
    assert.ok(data.length >= 1, 'a group stream');
    for (const group of data) {
      assert.equal(group.kind, 'uni');
      assert.ok((group.writable.sendOrder ?? 0) < CONTROL_SEND_ORDER, 'a group goes after');
    }
    track.close();
    session.close();
  });
}

test('moq-lite: announce and subscribe streams go first', async () => {
  const pub = await publisher(relay, ['send-order', 'lite'], 'video');
  const { transport, opened } = await recordedTransport(LITE_PROTOCOLS);
  const version = liteVersionOfProtocol(transport.protocol);
  assert.ok(version !== undefined, `a moq-lite protocol, not "${transport.protocol}"`);
  const found = Promise.withResolvers<BroadcastProducer>();
  const session = new LiteSession(transport, version, {
    resolveBroadcast: () => undefined,
    onPublishNamespace: (broadcast) => {
      if (broadcast.namespace.join('/') === 'send-order/lite') found.resolve(broadcast);
    },
    announcements: async function* () {},
  });
  const broadcast = await found.promise;
  const consumer = broadcast.subscribe('video', 'latest');
  const arriving = firstGroup(consumer);
  await writeGroups(pub.track, 2, 2);
  await arriving;
  assert.ok(opened.length >= 2, `${opened.length} streams opened`);
  for (const stream of opened) {
    assert.equal(stream.writable.sendOrder, CONTROL_SEND_ORDER, `a ${stream.kind} stream`);
  }
  session.close();
  pub.track.close();
  pub.session.close();
});
