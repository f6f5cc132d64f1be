import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BroadcastProducer,
  ClientSetup,
  MessageType,
  SessionCloseCode,
  SubscribeOk,
  TrackProducer,
  Unsubscribe,
  Writer,
  encodeControlMessage,
  type TrackConsumer,
} from '../moq/index.js';
import { dialRelay } from '../client/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import { Relay } from './relay.js';
import {
  join,
  publisher,
  rawClient,
  readAll,
  subscribeMessage as subscribe,
  writeGroups,
} from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1', limits: { maxRequestsPerSession: 100 } });
});

after(async () => {
  await relay.close();
});

/** Resolves with the code the relay closed the session with. */
async function closeCode(session: TransportSession): Promise<number> {
  const info = await session.closed.catch((error: unknown) => error as WebTransportCloseInfo);
  return info.closeCode ?? -1;
}

/** A healthy publisher → subscriber pair that keeps streaming while a bad session misbehaves. */
async function bystander(name: string): Promise<{
  finish: () => Promise<Array<{ groupId: number; objects: string[] }>>;
}> {
  const pub = await publisher(relay, ['healthy', name], 'video');
  const sub = await join(relay);
  const consumer: TrackConsumer = await sub.subscribe(['healthy', name], 'video');
  const reading = readAll(consumer);
  const writing = writeGroups(pub.track, 10, 10, 20);
  return {
    finish: async () => {
      await writing;
      pub.track.close();
      const got = await reading;
      sub.close();
      pub.session.close();
      return got;
    },
  };
}

function assertWhole(got: Array<{ groupId: number; objects: string[] }>): void {
  assert.equal(got.length, 10, 'every group reached the healthy subscriber');
  for (const group of got) assert.equal(group.objects.length, 10);
}

describe('relay: bad input closes only the offending session', () => {
  for (const transport of ['quic', 'websocket'] as const) {
    test(`garbage on the control stream is PROTOCOL_VIOLATION (${transport})`, async () => {
      const healthy = await bystander(`garbage-${transport}`);
      const bad = await rawClient(relay, transport);
      await bad.send(new Uint8Array([0x03, 0xff, 0xff, 1, 2, 3])); // SUBSCRIBE, length 65535, short
      await bad.send(Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
      assert.equal(await closeCode(bad.session), SessionCloseCode.PROTOCOL_VIOLATION);
      assertWhole(await healthy.finish());
    });
  }

  test('an unknown message type is PROTOCOL_VIOLATION', async () => {
    const bad = await rawClient(relay, 'quic');
    await bad.send(new Writer().varint(0x3f).u16(0).finish());
    assert.equal(await closeCode(bad.session), SessionCloseCode.PROTOCOL_VIOLATION);
  });

  test('a namespace of 33 fields is PROTOCOL_VIOLATION', async () => {
    const bad = await rawClient(relay, 'quic');
    const w = new Writer().varint(0).varint(33);
    for (let i = 0; i < 33; i++) w.varint(1).u8(0x61);
    w.varint(5).bytes(new TextEncoder().encode('video')).u8(0).u8(1).u8(1).varint(2).varint(0);
    const payload = w.finish();
    await bad.send(
      new Writer().varint(MessageType.Subscribe).u16(payload.length).bytes(payload).finish(),
    );
    assert.equal(await closeCode(bad.session), SessionCloseCode.PROTOCOL_VIOLATION);
  });

  test('a request id out of order is INVALID_REQUEST_ID', async () => {
    const bad = await rawClient(relay, 'quic');
    await bad.send(subscribe(4, ['nothing']));
    assert.equal(await closeCode(bad.session), SessionCloseCode.INVALID_REQUEST_ID);
  });

  test('10,000 subscribes: TOO_MANY_REQUESTS, and a healthy session loses nothing', async () => {
    const healthy = await bystander('flood');
    // A publisher that serves any track name (as @moq/lite does): every subscribe stays open.
    const open = await join(relay);
    await open.publish(new BroadcastProducer(['flood'], (name) => new TrackProducer(name)));
    const bad = await rawClient(relay, 'quic');
    const flood: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) flood.push(subscribe(i * 2, ['flood'], `track-${i}`));
    bad.send(Uint8Array.from(Buffer.concat(flood))).catch(() => undefined);
    assert.equal(await closeCode(bad.session), SessionCloseCode.TOO_MANY_REQUESTS);
    assertWhole(await healthy.finish());
    open.close();
  });

  test('a second subscription to the same track in one session is PROTOCOL_VIOLATION', async () => {
    const pub = await publisher(relay, ['twice'], 'video');
    const bad = await rawClient(relay, 'quic');
    await bad.send(subscribe(0, ['twice']));
    await bad.send(subscribe(2, ['twice']));
    assert.equal(await closeCode(bad.session), SessionCloseCode.PROTOCOL_VIOLATION);
    pub.session.close();
  });

  test('SUBSCRIBE, UNSUBSCRIBE and SUBSCRIBE again to one track is no second subscription', async () => {
    // A relay whose last viewer of a track left and whose next one came at once does this, while
    // the first subscription's group is still being sent.
    const pub = await publisher(relay, ['again'], 'video');
    pub.track.createGroup().write(new Uint8Array(1000));
    const client = await rawClient(relay, 'quic');
    const unsubscribe = encodeControlMessage(new Unsubscribe({ requestId: 0 }));
    await client.send(
      Uint8Array.from(
        Buffer.concat([subscribe(0, ['again']), unsubscribe, subscribe(2, ['again'])]),
      ),
    );
    for (;;) {
      const message = await client.next();
      if (message instanceof SubscribeOk && message.requestId === 2) break;
    }
    client.session.close();
    pub.session.close();
  });

  test('a client offering only unknown versions is VERSION_NEGOTIATION_FAILED', async () => {
    const { transport: session } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers);
    const stream = await session.createBidirectionalStream();
    const writer = stream.writable.getWriter();
    await writer.write(encodeControlMessage(new ClientSetup({ supportedVersions: [0xff000001] })));
    assert.equal(await closeCode(session), SessionCloseCode.VERSION_NEGOTIATION_FAILED);
  });
});
