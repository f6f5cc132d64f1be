/**
 * The chat over a real relay: two viewers (one over QUIC, one over QMux/WebSocket) publish
 * their `messages` tracks, a reader on a third session discovers them by SUBSCRIBE_NAMESPACE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MoqSession, TrackProducer } from '../moq/index.js';
import { Relay } from '../relay/index.js';
import { join, until } from '../relay/relay-test-kit.js';
import { ChatPublisher } from './chat-publisher.js';
import { ChatRoom, type ReceivedChatMessage } from './chat-room.js';
import { SeenMessages } from './seen-messages.js';

const ROOM = 'show/main';

function collect(room: ChatRoom): ReceivedChatMessage[] {
  const out: ReceivedChatMessage[] = [];
  void (async () => {
    for await (const message of room.messages()) out.push(message);
  })();
  return out;
}

function writeRaw(track: TrackProducer, payload: Uint8Array): void {
  const group = track.createGroup();
  group.write(payload);
  group.close();
}

describe('chat room over a relay', () => {
  let relay: Relay;
  const sessions: MoqSession[] = [];
  const open = async (transport: 'quic' | 'websocket'): Promise<MoqSession> => {
    const session = await join(relay, transport);
    sessions.push(session);
    return session;
  };

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    for (const session of sessions) session.close();
    await relay.close();
  });

  test('messages arrive with viewer ids; a flood is limited; bad payloads are counted', async () => {
    const room = new ChatRoom(await open('quic'), ROOM);
    const got = collect(room);

    const alice = new ChatPublisher(ROOM, { name: 'Alice' });
    await alice.publish(await open('quic'));
    // A modified client that ignores the sender's limit.
    const bob = new ChatPublisher(ROOM, { limit: { perSecond: 1000, burst: 1000 } });
    await bob.publish(await open('websocket'));
    await until(() => room.counters.subscribed === 2);

    alice.send('hi <script>alert(1)</script> &amp;');
    await until(() => got.length === 1);
    assert.equal(got[0]?.viewerId, alice.viewerId);
    assert.equal(got[0]?.name, 'Alice');
    assert.equal(got[0]?.text, 'hi <script>alert(1)</script> &amp;', 'text stays text');
    assert.ok((got[0]?.receivedAt ?? 0) >= (got[0]?.sentAt ?? Infinity));

    // Paced a little, so the relay forwards every group and the reader's limit is what bites.
    for (let i = 0; i < 60; i++) {
      bob.send(`flood ${i}`);
      if (i === 30) alice.send('still here');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    alice.send('and here');
    await until(() => got.filter((m) => m.viewerId === alice.viewerId).length === 3);
    await until(() => got.some((m) => m.text === 'and here'));
    // An upper bound follows: give anything still in flight from bob time to (not) arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const fromBob = got.filter((m) => m.viewerId === bob.viewerId);
    assert.ok(fromBob.length <= 12, `bob got ${fromBob.length} through`);
    assert.ok(room.counters.rateLimited >= 40, `dropped ${JSON.stringify(room.counters)}`);
    const numbers = fromBob.map((m) => Number(m.text.split(' ')[1]));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
      'what gets through keeps its order',
    );
    assert.deepEqual(numbers.slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the burst goes first');

    // Carol writes her track by hand: junk, an oversize object, then a real message.
    const carol = new ChatPublisher(ROOM);
    await carol.publish(await open('quic'));
    await until(() => room.counters.subscribed === 3);
    const track = carol.broadcast.liveTrack('messages') as TrackProducer;
    writeRaw(track, new TextEncoder().encode('{"text": "unterminated'));
    writeRaw(track, new TextEncoder().encode('{"html": "<b>no text</b>", "sentAt": 1}'));
    writeRaw(
      track,
      new TextEncoder().encode(JSON.stringify({ text: 'x'.repeat(5000), sentAt: 1 })),
    );
    writeRaw(track, new TextEncoder().encode(JSON.stringify({ text: 'valid', sentAt: 2 })));
    await until(() => got.some((m) => m.viewerId === carol.viewerId));
    assert.equal(room.counters.invalid, 2);
    assert.equal(room.counters.oversize, 1);
    assert.equal(got.filter((m) => m.viewerId === carol.viewerId).length, 1);

    // Alice leaves: the room follows the others and goes on quietly.
    alice.close();
    await until(() => room.counters.viewers === 2);
    carol.send('after alice left');
    await until(() => got.some((m) => m.text === 'after alice left'));
    room.close();
  });

  test('a late reader gets recent history; a viewer who reconnects is followed again', async () => {
    const name = 'show/late';
    const dana = new ChatPublisher(name);
    const first = await open('quic');
    await dana.publish(first);
    const early = new ChatRoom(await open('quic'), name);
    await until(() => early.counters.subscribed === 1);
    dana.send('one');
    dana.send('two');
    await until(() => early.counters.received === 2);

    const full = new ChatRoom(await open('quic'), name, { maxViewers: 0 });
    await until(() => full.counters.viewersRefused === 1);
    full.close();

    const late = new ChatRoom(await open('websocket'), name);
    const got = collect(late);
    await until(() => got.length === 2);
    assert.deepEqual(
      got.map((m) => m.text),
      ['one', 'two'],
    );

    first.close();
    await until(() => late.counters.viewers === 0);
    await dana.publish(await open('quic'));
    await until(() => late.counters.subscribed === 1);
    dana.send('three');
    await until(() => got.some((m) => m.text === 'three'));
    // The new upstream subscription starts at dana's newest message: 'two' may come again,
    // with its sequence number, and SeenMessages tells it apart.
    const seen = new SeenMessages();
    const fresh = got.filter((m) => seen.isNew(m));
    assert.deepEqual(
      fresh.map((m) => [m.sequence, m.text, m.viewerId]),
      [
        [0, 'one', dana.viewerId],
        [1, 'two', dana.viewerId],
        [2, 'three', dana.viewerId],
      ],
    );

    // A reader that reconnects opens a new room: the relay replays what it caches.
    const again = new ChatRoom(await open('quic'), name);
    const replayed = collect(again);
    dana.send('four');
    await until(() => replayed.some((m) => m.text === 'four'));
    assert.ok(replayed.length >= 2, 'the relay replayed what it caches');
    assert.deepEqual(
      replayed.filter((m) => seen.isNew(m)).map((m) => m.text),
      ['four'],
    );
    early.close();
    late.close();
    again.close();
  });
});
