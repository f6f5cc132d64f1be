import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until, withTimeout } from '../async/index.js';
import { connectRelay } from '../client/index.js';
import { BroadcastProducer, type MoqSession } from '../moq/index.js';
import { readGroups } from '../relay/cluster/cluster-test-kit.js';
import { writeGroups } from '../relay/relay-test-kit.js';
import { nodeDialers } from '../transport/index.js';
import {
  startRelayWorkers,
  type LogLine,
  type RelayWorkersProcess,
} from './relay-workers-test-kit.js';

/**
 * A worker of `moq-relay --workers N` dies and is restarted: the sessions on the other workers
 * must carry on. Over UDP the kernel picks a SO_REUSEPORT socket by hashing the 4-tuple over the
 * group's sockets in order; a socket leaving moves the last one into its slot, so a restarted
 * worker 0 may be handed the packets of worker 1's QUIC connections, and passes them on.
 */
interface RestartCase {
  title: string;
  keeper: number;
  victim: number;
}

/**
 * By worker count: whose sessions must survive whose restart. A restart changes the socket
 * group's order, and some surviving worker's flows then hash to the restarted worker 0, which
 * passes them on by the worker index in their connection IDs. Which survivor's depends on the
 * kernel's slot order (on this machine: worker 1 of 2 and of 3; without the forwarding those
 * cases fail); every survivor is checked.
 */
const CASES: Array<[number, RestartCase[]]> = [
  [
    2,
    [
      {
        title: 'keeps serving worker 0 after worker 1 (the last socket) is killed and restarted',
        keeper: 0,
        victim: 1,
      },
      {
        title: 'keeps serving worker 1 after worker 0 is killed and restarted',
        keeper: 1,
        victim: 0,
      },
    ],
  ],
  [
    3,
    [1, 2].map((keeper) => ({
      title: `keeps serving worker ${keeper} after worker 0 is killed and restarted`,
      keeper,
      victim: 0,
    })),
  ],
];

for (const [count, cases] of CASES)
  describe(`moq-relay --workers ${count}, a worker dies`, () => {
    let relay: RelayWorkersProcess;
    const sessions: MoqSession[] = [];

    before(async () => {
      relay = await startRelayWorkers(count);
    });

    after(async () => {
      for (const session of sessions) session.close();
      await relay?.stop();
    });

    const opened = (): LogLine[] => relay.lines.filter((l) => l.msg === 'session open');

    /** A QUIC session on the shared port, and the worker the kernel gave it to. */
    const openOnShared = async (): Promise<{ session: MoqSession; worker: number }> => {
      const before = opened().length;
      const { session } = await connectRelay(relay.url, nodeDialers, { transport: 'quic' });
      sessions.push(session);
      const line = await until('its session open line', () => opened()[before], {
        timeoutMs: 30_000,
      });
      return { session, worker: line.worker ?? -1 };
    };

    /** Two sessions the kernel put on `worker` (one publishes, one watches). */
    const twoOn = async (worker: number): Promise<[MoqSession, MoqSession]> => {
      const found: MoqSession[] = [];
      for (let tries = 0; found.length < 2 && tries < 40; tries++) {
        const opened = await openOnShared();
        if (opened.worker === worker) found.push(opened.session);
      }
      assert.equal(found.length, 2, `the kernel put no two of 40 sessions on worker ${worker}`);
      return found as [MoqSession, MoqSession];
    };

    const starts = (): LogLine[] => relay.lines.filter((l) => l.msg === 'relay worker listening');

    /** SIGKILLs the current process of worker `victim` and waits for the primary's restart. */
    const killAndRestart = async (victim: number): Promise<void> => {
      const current = starts().findLast((l) => l.worker === victim);
      const before = starts().length;
      process.kill(current?.pid ?? 0, 'SIGKILL');
      await until(`worker ${victim} restarted`, () => starts().length > before, {
        timeoutMs: 60_000,
      });
    };

    /** A broadcast between two sessions on `keeper`, flowing before and after `victim` restarts. */
    const survives = async (keeper: number, victim: number, name: string): Promise<void> => {
      const [publisher, viewer] = await twoOn(keeper);
      const broadcast = new BroadcastProducer(['restart', name]);
      const track = broadcast.createTrack('video');
      await publisher.publish(broadcast);
      const reader = await until(`the broadcast on worker ${keeper}`, () =>
        viewer.subscribe(['restart', name], 'video').catch(() => undefined),
      );
      const first = readGroups(reader, 2);
      await writeGroups(track, 2, 1, 30);
      assert.equal((await first).length, 2);

      await killAndRestart(victim);
      const later = readGroups(reader, 2);
      await writeGroups(track, 2, 1, 30);
      const got = await withTimeout(later, 15_000, `groups on worker ${keeper} after the restart`);
      assert.equal(got.length, 2);
    };

    for (const { title, keeper, victim } of cases) {
      it(title, () => survives(keeper, victim, `${count}-${keeper}`));
    }
  });
