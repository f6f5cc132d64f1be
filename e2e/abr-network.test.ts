// Server-side ABR on real emulated links: the relay here, each viewer in a network namespace of
// its own behind a tbf-shaped veth link (e2e/testbed), subscribing to a switching set over QUIC.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { until } from '../src/async/index.js';
import { BroadcastProducer } from '../src/moq/index.js';
import { LADDER, publishLadder } from '../src/relay/abr/abr-test-kit.js';
import { Relay } from '../src/relay/index.js';
import { NetnsLink, netnsAvailable } from './testbed/netns-link.js';
import { ViewerProcess, type GroupLine } from './testbed/viewer-process.js';

const available = await netnsAvailable();
const GROUP_MS = 1000;
const HI = 0;

describe(
  'server-side ABR on emulated links (network namespaces)',
  { skip: !available && 'needs root and iproute2' },
  () => {
    let relay: Relay;
    let fast: NetnsLink;
    let slow: NetnsLink;
    let stopLadder: () => void;
    let startedAt: number;

    before(async () => {
      fast = await NetnsLink.create({ rateKbit: 10_000 });
      slow = await NetnsLink.create({ rateKbit: 1_000 });
      relay = await Relay.start({ port: 0, host: '0.0.0.0' });
      const broadcast = new BroadcastProducer(['testbed', 'show']);
      relay.origin.publish(broadcast);
      startedAt = Date.now();
      stopLadder = publishLadder(broadcast, LADDER, { groupMs: GROUP_MS, objectsPerGroup: 30 });
    });
    after(async () => {
      stopLadder?.();
      await fast?.close();
      await slow?.close();
      await relay?.close();
    });

    test('drop 10 → 1 Mbit/s: down within a group, playing on, back up within 10 s; a slow viewer beside it gets less at the same time', async () => {
      const a = new ViewerProcess(fast, relay.port, 'testbed/show');
      const b = new ViewerProcess(slow, relay.port, 'testbed/show');

      // Both start low; the fast link's viewer is stepped up to the top rung.
      const top = await until(
        'the fast viewer to reach the top rendition',
        () => a.groups.find((g) => g.rendition === HI && !g.cut),
        { timeoutMs: 45_000, intervalMs: 200 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nfast: ${a.describe()}`);
      });
      // The same groups, at the same time, reach the slow viewer at a lower rendition.
      const same = await until(
        'the slow viewer to have the same group',
        () => b.group(top.sourceGroupId as number),
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      assert.notEqual(same.rendition, HI, `slow viewer's group ${same.groupId}: ${b.describe()}`);
      console.log(
        `group ${top.sourceGroupId}: fast viewer on ${LADDER[HI]!.trackName}, slow viewer on ${LADDER[same.rendition ?? 0]!.trackName}`,
      );

      // The drop.
      await fast.shape({ rateKbit: 1_000 });
      const droppedAt = Date.now();
      const publishing = Math.floor((droppedAt - startedAt) / GROUP_MS);
      // A group the relay dropped whole (the link was full) never arrives: wait for any later.
      // Publisher's group ids: the relay's run ahead by each group it cut to step down.
      const source = (g: GroupLine): number => g.sourceGroupId ?? -1;
      await until(
        'four groups after the drop',
        () => a.groups.some((g) => source(g) >= publishing + 4),
        {
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)} (drop during group ${publishing})\nfast: ${a.describe()}`,
        );
      });
      const after = a.groups.filter(
        (g) => source(g) >= publishing + 2 && source(g) <= publishing + 4,
      );
      console.log(
        `drop during group ${publishing}; then ${after.map((g) => `${source(g)}:${g.rendition}${g.cut ? ' cut' : ''} (pause ${g.longestPauseMs} ms)`).join(', ')}`,
      );
      for (const group of after) {
        assert.notEqual(
          group.rendition,
          HI,
          `group ${source(group)} still at the top: ${a.describe()}`,
        );
        assert.equal(group.cut, false, `group ${source(group)} cut: ${a.describe()}`);
      }
      const longestPause = Math.max(...after.map((g) => g.longestPauseMs));
      assert.ok(
        longestPause < 500,
        `a pause of ${longestPause} ms after the switch: ${a.describe()}`,
      );

      // Recovery.
      await fast.shape({ rateKbit: 10_000 });
      const recoveredAt = Date.now();
      const back = await until(
        'the top rendition again',
        () => a.groups.find((g) => g.rendition === HI && g.startedAtMs > recoveredAt),
        { timeoutMs: 20_000, intervalMs: 200 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nfast: ${a.describe()}`);
      });
      const upMs = back.startedAtMs - recoveredAt;
      console.log(`back on the top rendition ${upMs} ms after the link recovered`);
      assert.ok(upMs <= 10_000, `back up after ${upMs} ms`);
    });
  },
);
