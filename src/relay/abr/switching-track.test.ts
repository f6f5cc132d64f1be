import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BroadcastProducer,
  DataStreamResetCode,
  GroupConsumer,
  MoqError,
  RENDITION_EXTENSION,
  type GroupProducer,
  type TrackConsumer,
} from '../../moq/index.js';
import type { LinkStats } from './bandwidth-estimator.js';
import { LinkMonitor } from './link-monitor.js';
import { LADDER, labelOf } from './abr-test-kit.js';
import { SwitchingTrack } from './switching-track.js';

const HI = 0;

/** A viewer's link as the transport reports it: calm at 20 Mbit/s, or queueing (RTT × 20). */
class ScriptedLink {
  clockMs = 0;
  rttMs = 10;
  #sentBytes = 0;
  readonly monitor = new LinkMonitor(
    () => this.stats(),
    () => this.clockMs,
  );

  stats(): LinkStats {
    return {
      rttMs: this.rttMs,
      deliveryRateBytesPerSec: 2_500_000,
      bytesSent: this.#sentBytes,
      packetsSent: this.#sentBytes / 1200,
      packetsLost: 0,
    };
  }

  /** `ms` later, `sentBytes` more gone out. */
  step(sentBytes: number, ms = 200): void {
    this.clockMs += ms;
    this.#sentBytes += sentBytes;
    this.monitor.sample();
  }
}

/** Group `id` started on every rendition, object 0 written; object `o` labelled `track:id:o`. */
function startGroups(tracks: ReturnType<BroadcastProducer['createTrack']>[], id: number) {
  const groups = tracks.map((track) => track.createGroup(id));
  groups.forEach((group, i) => writeObject(group, LADDER[i]!.trackName, 0));
  return groups;
}

function writeObject(group: GroupProducer, track: string, objectId: number): void {
  group.write(new TextEncoder().encode(`${track}:${group.groupId}:${objectId}`), objectId);
}

async function nextGroup(consumer: TrackConsumer, signal: AbortSignal): Promise<GroupConsumer> {
  for (;;) {
    const next = await consumer.nextGroup(signal);
    if (next instanceof GroupConsumer) return next;
    assert.ok(next !== undefined, 'the viewer track ended');
  }
}

async function read(group: GroupConsumer, signal: AbortSignal, count: number) {
  const objects = [];
  for (let i = 0; i < count; i++) {
    const object = await group.readObject(signal);
    assert.ok(object, 'an object');
    objects.push({
      label: labelOf(object.payload),
      rendition: object.extensions?.find((e) => e.type === RENDITION_EXTENSION)?.value,
    });
  }
  return objects;
}

describe('SwitchingTrack: a link that turns short mid-group', () => {
  it('cuts the group being sent and sends the same group of a lower rendition from its start, as the next id', async () => {
    const signal = AbortSignal.timeout(10_000);
    const broadcast = new BroadcastProducer(['abr', 'cut']);
    const tracks = LADDER.map((entry) => broadcast.createTrack(entry.trackName));
    const link = new ScriptedLink();
    link.step(500_000);
    link.step(500_000); // 20 Mbit/s measured: the top rendition fits
    const switching = new SwitchingTrack({
      broadcast,
      entries: LADDER,
      link: link.monitor,
      now: () => link.clockMs,
    });
    try {
      const groups = startGroups(tracks, 7);
      const first = await nextGroup(switching.consumer, signal);
      assert.equal(first.groupId, 7, 'the source group id while nothing was cut');
      assert.deepEqual(await read(first, signal, 1), [{ label: 'hi:7:0', rendition: HI }]);
      groups.forEach((group, i) => writeObject(group, LADDER[i]!.trackName, 1));
      assert.equal((await read(first, signal, 1))[0]?.label, 'hi:7:1');

      // Congestion while the group's keyframe goes out is its burst, perhaps: nothing is cut.
      link.rttMs = 200;
      link.step(20_000, 150);
      link.step(20_000, 150);
      assert.equal(switching.state.rendition, HI);
      // A single congested sample later on is no proof either.
      link.rttMs = 10;
      link.step(25_000);
      link.rttMs = 200;
      link.step(25_000);
      assert.equal(switching.state.rendition, HI);
      // Held for a second sample: the link is short.
      link.step(25_000);
      const lower = await nextGroup(switching.consumer, signal);
      assert.equal(lower.groupId, 8, 'the next id: one group was cut');
      const objects = await read(lower, signal, 2);
      const track = LADDER[objects[0]?.rendition as number]!.trackName;
      assert.notEqual(track, 'hi');
      assert.deepEqual(
        objects.map((o) => o.label),
        [`${track}:7:0`, `${track}:7:1`],
        "the lower rendition's same group, from its keyframe",
      );
      await assert.rejects(
        first.readObject(signal),
        (error: unknown) =>
          error instanceof MoqError && error.code === DataStreamResetCode.DELIVERY_TIMEOUT,
        'the cut group ends as a delivery timeout (its stream is reset)',
      );
      const change = switching.state.switches.at(-1);
      assert.equal(change?.midGroup, true);
      assert.equal(change?.groupId, 7);

      // The next source group keeps the shift, at the rung chosen now.
      groups.forEach((group) => group.close());
      startGroups(tracks, 8);
      const next = await nextGroup(switching.consumer, signal);
      assert.equal(next.groupId, 9);
      assert.notEqual((await read(next, signal, 1))[0]?.label.split(':')[0], 'hi');
    } finally {
      switching.close();
      broadcast.close();
    }
  });

  it('never cuts to the rendition it is already sending (a rendition that lacked the group)', async () => {
    const signal = AbortSignal.timeout(10_000);
    const broadcast = new BroadcastProducer(['abr', 'unaligned']);
    const tracks = LADDER.map((entry) => broadcast.createTrack(entry.trackName));
    const link = new ScriptedLink();
    link.step(500_000);
    link.step(500_000);
    const switching = new SwitchingTrack({
      broadcast,
      entries: LADDER,
      link: link.monitor,
      now: () => link.clockMs,
    });
    try {
      // The top rendition never gets group 7: after the wait, the middle one stands in.
      const mid = tracks[1]!.createGroup(7);
      const lo = tracks[2]!.createGroup(7);
      writeObject(mid, 'mid', 0);
      writeObject(lo, 'lo', 0);
      // The relay's wait for the missing group runs on the scripted clock: let it pass.
      const passing = setInterval(() => (link.clockMs += 200), 50);
      const first = await nextGroup(switching.consumer, signal).finally(() =>
        clearInterval(passing),
      );
      assert.equal((await read(first, signal, 1))[0]?.label, 'mid:7:0');
      // Queueing while still carrying 20 Mbit/s: the selector steps down one rung, from the top
      // to the middle — what is being sent.
      link.rttMs = 200;
      link.step(500_000);
      link.step(500_000);
      writeObject(mid, 'mid', 1);
      assert.equal((await read(first, signal, 1))[0]?.label, 'mid:7:1', 'the group goes on');
      assert.ok(!switching.state.switches.some((s) => s.midGroup), 'nothing was cut');
    } finally {
      switching.close();
      broadcast.close();
    }
  });
});
