import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Relay } from '../relay/index.js';
import type { StudioStatus } from './studio-api.js';
import type { Studio } from './studio.js';
import { inState, nextEvent, tempStudio } from './studio-test-kit.js';

/** A remote relay that can be killed and started again on the same port. */
class KillableRelay {
  relay: Relay | undefined;
  port = 0;

  async start(): Promise<void> {
    this.relay = await Relay.start({ host: '127.0.0.1', port: this.port });
    this.port = this.relay.port;
  }

  async kill(): Promise<void> {
    await this.relay?.close();
    this.relay = undefined;
  }
}

async function liveStudio(
  remote: KillableRelay,
  firstMs: number,
): Promise<{ studio: Studio; dispose: () => Promise<void> }> {
  const made = await tempStudio({ backoff: { firstMs, factor: 1.5, capMs: 30_000 } });
  await made.studio.updateSettings({
    ladder: '360p',
    audio: 'none',
    relay: { kind: 'remote', url: `http://127.0.0.1:${remote.port}/` },
    broadcastName: 'rc',
  });
  const status = await made.studio.goLive();
  assert.equal(status.state, 'live', JSON.stringify(status));
  return made;
}

describe('studio: the relay dies while live', { timeout: 120_000 }, () => {
  const remote = new KillableRelay();
  after(() => remote.kill());

  it('reconnects with backoff and is live again on its own, encoder kept', async () => {
    await remote.start();
    const { studio, dispose } = await liveStudio(remote, 500);
    try {
      const liveSince = (await studio.getStatus()).liveSince;
      const reconnecting = nextEvent(studio, 'status', inState('reconnecting'));
      await remote.kill();
      const status = await reconnecting;
      assert.match(status.reason, /^the relay session ended/);
      const countdown = await nextEvent(studio, 'status', (s) => s.reconnect !== undefined);
      assert.ok(countdown.reconnect && countdown.reconnect.attempt >= 1);
      // A few attempts fail while the relay is down; the studio keeps trying.
      await nextEvent(studio, 'status', (s) => (s.reconnect?.attempt ?? 0) >= 2);
      const live = nextEvent(studio, 'status', inState('live'));
      await remote.start();
      const back: StudioStatus = await live;
      assert.equal(back.reason, 'reconnected to the relay');
      assert.equal(back.reconnect, undefined);
      assert.equal(back.liveSince, liveSince, 'one broadcast across the drop');
      // A remote relay of ours tells its viewers through the broadcast's .stats track.
      const stats = await nextEvent(
        studio,
        'stats',
        (s) => s.state === 'live' && s.viewers !== null,
      );
      assert.ok((stats.renditions[0]?.bitrateBps ?? 0) > 0, 'the encoder kept running');
      assert.equal(stats.viewers, 0, 'the relay says: no viewers');
      assert.ok(!stats.notes.some((note) => note.startsWith('a remote relay does not tell')));
      assert.ok(stats.relay.rttMs !== null && stats.relay.rttMs >= 0, 'RTT over QUIC');
      assert.equal((await studio.stop()).state, 'idle');
    } finally {
      await dispose();
    }
  });

  it('retryNow skips a long backoff', async () => {
    if (!remote.relay) await remote.start();
    const { studio, dispose } = await liveStudio(remote, 60_000);
    try {
      const reconnecting = nextEvent(studio, 'status', (s) => s.reconnect !== undefined);
      await remote.kill();
      const waiting = await reconnecting;
      // 60 s asked, capped at 30 s.
      assert.ok((waiting.reconnect?.retryAtMs ?? 0) - Date.now() > 20_000, 'a long wait ahead');
      await remote.start();
      const started = Date.now();
      const live = nextEvent(studio, 'status', inState('live'), 15_000);
      assert.equal((await studio.retryNow()).state, 'reconnecting');
      await live;
      assert.ok(Date.now() - started < 15_000);
      assert.equal((await studio.stop()).state, 'idle');
    } finally {
      await dispose();
    }
  });

  it('Stop while reconnecting ends the broadcast', async () => {
    if (!remote.relay) await remote.start();
    const { studio, dispose } = await liveStudio(remote, 60_000);
    try {
      const reconnecting = nextEvent(studio, 'status', inState('reconnecting'));
      await remote.kill();
      await reconnecting;
      const stopped = await studio.stop();
      assert.equal(stopped.state, 'idle');
      assert.equal(stopped.reason, 'stopped by the user');
    } finally {
      await dispose();
    }
  });
});
