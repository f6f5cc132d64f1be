import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GroupConsumer, type MoqSession, type TrackConsumer } from '../moq/index.js';
import { Relay } from '../relay/index.js';
import type { Studio } from './studio.js';
import { nextEvent, tempStudio, viewerSession } from './studio-test-kit.js';

describe('studio: viewers’ quality from a remote relay’s .stats', { timeout: 120_000 }, () => {
  let relay: Relay;
  let studio: Studio;
  let dispose: () => Promise<void>;
  let viewer: MoqSession | undefined;

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    ({ studio, dispose } = await tempStudio());
    await studio.updateSettings({
      ladder: '360p',
      audio: 'none',
      relay: { kind: 'remote', url: `http://127.0.0.1:${relay.port}/` },
      broadcastName: 'remote/quality',
    });
  });
  after(async () => {
    viewer?.close();
    await dispose();
    await relay.close();
  });

  it('shows viewers, renditions and their RTT in its monitoring stats', async () => {
    const status = await studio.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status.error));
    viewer = await viewerSession(`http://127.0.0.1:${relay.port}/`);
    const video = await viewer.subscribe(['remote', 'quality'], '360p');
    const reading = readAll(video);
    const stats = await nextEvent(
      studio,
      'stats',
      (s) => s.viewerQuality?.viewers === 1 && s.viewerQuality.rttMs !== null,
      30_000,
    );
    const quality = stats.viewerQuality;
    assert.ok(quality);
    assert.equal(quality.renditions['360p'], 1);
    assert.ok(quality.rttMs && quality.rttMs.p95 >= 0);
    assert.equal(typeof quality.groupsDropped, 'number');
    // The remote relay's figures fill what only the embedded relay could say before.
    assert.equal(stats.viewers, 1);
    assert.equal(stats.renditions.find((r) => r.name === '360p')?.viewers, 1);
    assert.ok(!stats.notes.some((n) => n.includes('does not tell publishers')));

    viewer.close();
    viewer = undefined;
    await nextEvent(studio, 'stats', (s) => s.viewerQuality?.viewers === 0, 30_000);
    await reading;
    await studio.stop();
  });
});

async function readAll(consumer: TrackConsumer): Promise<void> {
  try {
    for (let next = await consumer.nextGroup(); next; next = await consumer.nextGroup()) {
      if (!(next instanceof GroupConsumer)) continue;
      while (await next.readObject()) {
        // read and forget
      }
    }
  } catch {
    // the viewer left
  }
}
