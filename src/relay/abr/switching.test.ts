import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BroadcastProducer,
  MoqError,
  Parameters,
  SubscribeErrorCode,
  SWITCHING_SET_PARAMETER,
  type MoqSession,
} from '../../moq/index.js';
import { scrape, valueOf } from '../metrics/metrics-test-kit.js';
import { Relay } from '../relay.js';
import { join, publisher } from '../relay-test-kit.js';
import { LADDER, publishLadder, readGroups, type ReceivedGroup } from './abr-test-kit.js';

/** Server-side ABR over real QUIC on loopback: what a switching-set subscriber receives. */
describe('server-side ABR: switching-set subscriptions', () => {
  let relay: Relay;
  let stopLadder: () => void;
  let stopOdd: () => void;
  const viewers: MoqSession[] = [];
  const viewer = async (): Promise<MoqSession> => {
    const session = await join(relay);
    viewers.push(session);
    return session;
  };

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    const ladder = new BroadcastProducer(['abr', 'show']);
    relay.origin.publish(ladder);
    stopLadder = publishLadder(ladder, LADDER, { groupMs: 500, objectsPerGroup: 10 });
    const odd = new BroadcastProducer(['abr', 'odd']);
    relay.origin.publish(odd);
    // The second rendition's group ids never match the first's.
    stopOdd = publishLadder(odd, LADDER.slice(0, 2), {
      groupMs: 500,
      objectsPerGroup: 10,
      idOffsets: [0, 1000],
    });
  });
  after(async () => {
    stopLadder();
    stopOdd();
    for (const session of viewers) session.close();
    await relay.close();
  });

  const wholeGroups = (groups: ReceivedGroup[]): ReceivedGroup[] => groups.filter((g) => !g.cut);

  test('every group arrives whole, starts at object 0 and names its rendition', async () => {
    const session = await viewer();
    const consumer = await session.subscribe(['abr', 'show'], 'hi', { switchingSet: LADDER });
    const groups = await readGroups(consumer, (g) => g.length >= 8, AbortSignal.timeout(30_000));
    consumer.close();
    const whole = wholeGroups(groups);
    assert.ok(whole.length >= 6, `${whole.length} whole groups of ${groups.length}`);
    for (const group of whole) {
      assert.ok(
        group.rendition !== undefined && group.rendition < LADDER.length,
        JSON.stringify(group),
      );
      const track = LADDER[group.rendition]!.trackName;
      assert.equal(group.labels.length, 10, 'a whole group');
      assert.equal(group.labels[0], `${track}:${group.groupId}:0`, 'starts at its first object');
      assert.ok(
        group.labels.every((label, i) => label === `${track}:${group.groupId}:${i}`),
        'every object from the one rendition the tag names',
      );
    }
    const families = await scrape(relay);
    const switches = (reason: string): number =>
      valueOf(families, 'moq_relay_rendition_switches_total', { reason });
    assert.ok(switches('start') >= 1, 'the first choice is on /metrics');
  });

  test('a plain subscriber beside it takes no ABR path: its track, untagged', async () => {
    const session = await viewer();
    const consumer = await session.subscribe(['abr', 'show'], 'mid');
    const groups = await readGroups(consumer, (g) => g.length >= 4, AbortSignal.timeout(30_000));
    consumer.close();
    for (const group of wholeGroups(groups)) {
      assert.equal(group.rendition, undefined);
      assert.ok(group.labels.every((label) => label.startsWith('mid:')));
    }
  });

  test('a switching set of one track is a plain subscription to it', async () => {
    const session = await viewer();
    const consumer = await session.subscribe(['abr', 'show'], 'x', { switchingSet: [LADDER[2]!] });
    const groups = await readGroups(consumer, (g) => g.length >= 3, AbortSignal.timeout(30_000));
    consumer.close();
    assert.ok(
      wholeGroups(groups).every((g) => g.rendition === undefined && g.labels[0]!.startsWith('lo:')),
    );
  });

  test('renditions whose groups do not align: each group id is sent once, whole, from a rendition that has it', async () => {
    const session = await viewer();
    const consumer = await session.subscribe(['abr', 'odd'], 'hi', {
      switchingSet: LADDER.slice(0, 2),
    });
    const groups = await readGroups(consumer, (g) => g.length >= 5, AbortSignal.timeout(30_000));
    consumer.close();
    const ids = groups.map((g) => g.groupId);
    assert.equal(new Set(ids).size, ids.length, 'no group id twice');
    for (const group of wholeGroups(groups)) {
      const track = LADDER[group.rendition!]!.trackName;
      assert.equal(group.labels[0], `${track}:${group.groupId}:0`);
    }
  });

  test('bad input: an unknown track, a malformed set — SUBSCRIBE_ERROR, the session and others unharmed', async () => {
    const session = await viewer();
    const bystander = await publisher(relay, ['abr', 'bystander'], 'video');
    await assert.rejects(
      session.subscribe(['abr', 'show'], 'hi', {
        switchingSet: [LADDER[0]!, { trackName: 'nope', bitrateBps: 1 }],
      }),
      (error: unknown) =>
        error instanceof MoqError && error.code === SubscribeErrorCode.TRACK_DOES_NOT_EXIST,
    );
    // A raw SWITCHING_SET value that is not one: count 0.
    const malformed = session.subscribeTrack(['abr', 'show'], 'hi', {
      parameters: Parameters.from({
        others: [{ type: SWITCHING_SET_PARAMETER, value: new Uint8Array([0]) }],
      }),
    });
    await assert.rejects(
      malformed.ready,
      (error: unknown) => error instanceof MoqError && error.scope === 'request',
    );
    assert.ok(!session.isClosed, 'a refused subscription leaves the session open');
    const still = await session.subscribe(['abr', 'show'], 'hi', { switchingSet: LADDER });
    const groups = await readGroups(still, (g) => g.length >= 2, AbortSignal.timeout(30_000));
    still.close();
    assert.ok(groups.length >= 2);
    bystander.session.close();
  });
});
