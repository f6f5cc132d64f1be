import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { until } from '../async/index.js';
import { connectRelay, type TransportChoice } from '../client/index.js';
import { BroadcastProducer, type MoqSession } from '../moq/index.js';
import { readGroups } from '../relay/cluster/cluster-test-kit.js';
import { writeGroups } from '../relay/relay-test-kit.js';
import { nodeDialers } from '../transport/index.js';
import { startRelayWorkers, type RelayWorkersProcess } from './relay-workers-test-kit.js';

/** `moq-relay --workers 2` as a real process tree: two relays on one port, one cluster. */
describe('moq-relay --workers 2', () => {
  let relay: RelayWorkersProcess;
  let url = '';
  const workerNodes: string[] = [];
  const sessions: MoqSession[] = [];

  before(async () => {
    relay = await startRelayWorkers(2);
    url = relay.url;
    for (const line of relay.lines.filter((l) => l.msg === 'relay worker listening')) {
      workerNodes.push(line.node ?? '');
    }
  });

  after(async () => {
    for (const session of sessions) session.close();
    await relay?.stop();
  });

  const open = async (target: string, transport: TransportChoice): Promise<MoqSession> => {
    const { session } = await connectRelay(target, nodeDialers, { transport });
    sessions.push(session);
    return session;
  };

  it('runs two worker processes on one port, each with its own peer address', () => {
    assert.equal(workerNodes.length, 2);
    assert.notEqual(workerNodes[0], workerNodes[1]);
  });

  it('serves a publisher on one worker to subscribers on the other and on the shared port', async () => {
    const publisher = await open(workerNodes[0] as string, 'quic');
    const broadcast = new BroadcastProducer(['workers', 'demo']);
    const track = broadcast.createTrack('video');
    await publisher.publish(broadcast);

    const onOther = await open(workerNodes[1] as string, 'quic');
    const shared = await Promise.all(
      (['quic', 'quic', 'quic', 'websocket', 'websocket', 'websocket'] as const).map((t) =>
        open(url, t),
      ),
    );
    const viewers = [onOther, ...shared];
    const readers = await Promise.all(
      viewers.map((viewer) =>
        until('the broadcast on this worker', () =>
          viewer.subscribe(['workers', 'demo'], 'video').catch(() => undefined),
        ),
      ),
    );
    const reading = readers.map((reader) => readGroups(reader, 4));
    await writeGroups(track, 4, 2, 30);
    for (const got of await Promise.all(reading)) {
      assert.deepEqual(
        got.map((g) => g.objects),
        [0, 1, 2, 3].map((g) => [`${g}:0`, `${g}:1`]),
      );
    }
  });
});
