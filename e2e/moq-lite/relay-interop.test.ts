/**
 * Interop with the third-party MoQ peer @moq/lite through our relay, over both wires: its
 * publisher → our relay → its subscriber, ours → relay → its, and its → relay → ours. @moq/lite
 * speaks draft-14 to us over WebSocket (no protocol offered) and moq-lite-04 over WebTransport
 * (its first offer, which the relay now speaks).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Path } from '@moq/lite';
import { GroupConsumer, type TrackConsumer } from '../../src/moq/index.js';
import { Relay } from '../../src/relay/index.js';
import { join, publisher, until, writeGroups } from '../../src/relay/relay-test-kit.js';
import {
  announcedLite,
  connectLite,
  expectedGroups,
  installNodeGlobals,
  publishLite,
  subscribeLite,
  type GroupPlan,
  type LiteConnection,
  type ReceivedGroup,
} from './peer.js';

installNodeGlobals({ webTransport: true, quiet: true });

let relay: Relay;
let url: string;
const connections: LiteConnection[] = [];

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${relay.port}/`;
});

after(async () => {
  for (const connection of connections) connection.close();
  await relay.close();
});

async function lite(transport: 'websocket' | 'webtransport'): Promise<LiteConnection> {
  const connection = await connectLite(url, { transport });
  connections.push(connection);
  return connection;
}

/** Reads `count` groups from one of our track readers, in @moq/lite's result shape. */
async function readGroups(consumer: TrackConsumer, count: number): Promise<ReceivedGroup[]> {
  const out: ReceivedGroup[] = [];
  while (out.length < count) {
    const next = await consumer.nextGroup();
    if (next === undefined) break;
    if (!(next instanceof GroupConsumer)) continue;
    const objects: Uint8Array[] = [];
    for (let o = await next.readObject(); o; o = await next.readObject()) {
      objects.push(Uint8Array.from(o.payload)); // a plain Uint8Array, as @moq/lite reports
    }
    out.push({ group: next.groupId, objects });
  }
  return out;
}

const plan: GroupPlan = { groups: 4, objectsPerGroup: 10, intervalMs: 30 };

describe('@moq/lite through our relay', () => {
  for (const transport of ['websocket', 'webtransport'] as const) {
    test(`@moq/lite publisher → relay → @moq/lite subscriber (${transport})`, async () => {
      const path = `interop/lite-${transport}`;
      publishLite(await lite(transport), path, 'data', plan);
      await until(() => relay.origin.route(path.split('/')) !== undefined);
      const received = await subscribeLite(await lite(transport), path, 'data', {
        groups: plan.groups,
      });
      assert.deepEqual(received, expectedGroups(plan));
    });

    test(`our publisher → relay → @moq/lite subscriber (${transport})`, async () => {
      const ours = await publisher(relay, ['interop', `ours-${transport}`], 'data');
      const receiving = subscribeLite(await lite(transport), `interop/ours-${transport}`, 'data', {
        groups: 3,
      });
      await until(() => ours.track.consumerCount === 1);
      await writeGroups(ours.track, 3, 10, 20);
      assert.deepEqual(await receiving, expectedGroups({ groups: 3, objectsPerGroup: 10 }));
      ours.session.close();
    });

    test(`@moq/lite publisher → relay → our subscriber (${transport})`, async () => {
      const path = `interop/theirs-${transport}`;
      publishLite(await lite(transport), path, 'data', plan);
      await until(() => relay.origin.route(path.split('/')) !== undefined);
      const session = await join(relay, transport === 'webtransport' ? 'quic' : 'websocket');
      const consumer = await session.subscribe(path.split('/'), 'data');
      assert.deepEqual(await readGroups(consumer, plan.groups), expectedGroups(plan));
      session.close();
    });
  }
});

describe('@moq/lite discovery through our relay', () => {
  test('announced() lists live broadcasts; stopping it keeps the session', async () => {
    const ours = await publisher(relay, ['discovery', 'show'], 'data');
    const connection = await lite('websocket');
    // Twice on one connection: the second watch has a non-zero request id, which @moq/lite's
    // UNSUBSCRIBE_NAMESPACE carries (a later draft's form) where draft-14 puts the prefix.
    for (const prefix of ['discovery', '']) {
      const abort = new AbortController();
      let seen = false;
      for await (const entry of announcedLite(connection, prefix, abort.signal)) {
        if (entry.active && String(entry.path).endsWith('discovery/show')) {
          seen = true;
          abort.abort();
        }
      }
      assert.ok(seen, `announced under ${JSON.stringify(prefix)}`);
    }
    const receiving = subscribeLite(connection, 'discovery/show', 'data', { groups: 1 });
    await until(() => ours.track.consumerCount === 1);
    // @moq/lite drops a group whose stream beats its SUBSCRIBE_OK (ietf/subscriber.js), and the
    // relay's reader exists before that OK arrives: a group a tick until one is read whole.
    let received: Awaited<typeof receiving> | undefined;
    void receiving.then((groups) => (received = groups));
    for (const deadline = Date.now() + 20_000; !received && Date.now() < deadline;) {
      await writeGroups(ours.track, 1, 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [first] = received ?? [];
    assert.ok(first);
    assert.deepEqual(
      received,
      expectedGroups({ groups: 1, objectsPerGroup: 3, firstGroup: first.group }),
    );
    ours.session.close();
  });
});

describe('our moq-clock through our relay to @moq/lite', () => {
  test('moq-clock --publish → relay → @moq/lite subscriber reads the seconds', async () => {
    const clock = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../bin/moq-clock.mjs', import.meta.url)),
        '--url',
        url,
        '--publish',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    try {
      await until(() => relay.origin.route(['clock']) !== undefined, 15_000);
      const connection = await lite('websocket');
      const track = connection.consume(Path.from('clock')).subscribe('seconds', 0);
      // One group a minute: the two seconds may straddle a minute boundary, so read on across groups.
      const seconds: string[] = [];
      for (let group = await track.recvGroup(); group; group = await track.recvGroup()) {
        for (let frame = await group.readFrame(); frame; frame = await group.readFrame()) {
          seconds.push(new TextDecoder().decode(frame));
          if (seconds.length === 2) break;
        }
        if (seconds.length === 2) break;
      }
      assert.equal(seconds.length, 2, 'two seconds arrived');
      for (const second of seconds) assert.match(second, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.ok(seconds[0] !== seconds[1], 'two different seconds');
    } finally {
      clock.kill('SIGINT');
    }
  });
});
