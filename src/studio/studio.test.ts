import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { GroupConsumer, type MoqSession, type TrackConsumer } from '../moq/index.js';
import { readCatalogs } from '../media/catalog/index.js';
import type { Studio } from './studio.js';
import { ffmpegChild, nextEvent, tempStudio, viewerSession } from './studio-test-kit.js';

describe('studio: go live on the embedded relay with the test pattern', { timeout: 90_000 }, () => {
  let studio: Studio;
  let dispose: () => Promise<void>;
  let viewer: MoqSession | undefined;
  let video: TrackConsumer | undefined;

  before(async () => {
    ({ studio, dispose } = await tempStudio());
    await studio.updateSettings({
      ladder: '360p',
      audio: 'aac',
      relay: { kind: 'embedded', port: 0 },
      broadcastName: 'show/main',
    });
  });
  after(async () => {
    viewer?.close();
    await dispose();
  });

  it('reaches live with every checklist step done, and a share link', async () => {
    const seen: string[] = [];
    studio.on('status', (status) => seen.push(status.state));
    const status = await studio.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status));
    assert.deepEqual(
      status.checklist.map((item) => [item.step, item.status]),
      [
        ['relay', 'done'],
        ['announced', 'done'],
        ['encoder', 'done'],
        ['firstGroup', 'done'],
        ['live', 'done'],
      ],
    );
    assert.deepEqual([...new Set(seen)], ['checking', 'starting', 'live']);
    const info = await studio.getRelayInfo();
    assert.equal(info.running, true);
    assert.match(info.certificateSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(status.shareUrl, `http://127.0.0.1:${info.port}/watch/show/main`);
    assert.equal(status.watch?.name, 'show/main');
  });

  it('is seen by a subscriber: catalog with the 360p rendition and audio', async () => {
    const info = await studio.getRelayInfo();
    viewer = await viewerSession(info.url ?? '');
    const catalog = await viewer.subscribe(['show', 'main'], 'catalog');
    const signal = AbortSignal.timeout(10_000);
    const first = await readCatalogs(catalog, signal).next();
    assert.equal(first.done, false);
    const names = first.value?.tracks.map((track) => track.name).sort();
    assert.deepEqual(names, ['360p', 'audio']);
  });

  it('reports non-zero bitrate per rendition and one viewer while it subscribes', async () => {
    assert.ok(viewer);
    video = await viewer.subscribe(['show', 'main'], '360p');
    const group = await video.nextGroup(AbortSignal.timeout(10_000));
    assert.ok(group instanceof GroupConsumer, 'the viewer receives a group');
    // ffmpeg's first progress block reads fps 0 and speed 0: wait for one with figures.
    const stats = await nextEvent(
      studio,
      'stats',
      (s) =>
        s.renditions.some((r) => r.name === '360p' && r.viewers === 1) &&
        (s.encoder?.speed ?? 0) > 0,
    );
    for (const rendition of stats.renditions) {
      assert.ok(rendition.bitrateBps > 0, `${rendition.name} bitrate ${rendition.bitrateBps}`);
      assert.ok(rendition.fps > 0, `${rendition.name} fps ${rendition.fps}`);
    }
    assert.equal(stats.viewers, 1);
    assert.equal(stats.dropped.network, 0, 'no group dropped on loopback');
    assert.equal(stats.state, 'live');
    assert.ok(stats.relay.egressBps !== null && stats.relay.egressBps > 0);
    assert.ok(stats.encoder && stats.encoder.speed > 0, JSON.stringify(stats.encoder));
    assert.ok(stats.cpuPercent >= 0);
  });

  it('refuses a second Go live and setting changes while live', async () => {
    await assert.rejects(studio.goLive(), { code: 'ILLEGAL_TRANSITION' });
    await assert.rejects(studio.updateSettings({ ladder: '720p' }), { code: 'ILLEGAL_TRANSITION' });
  });

  it('stops: idle again, the viewer sees the broadcast end', async () => {
    const track = video;
    assert.ok(track);
    const stopped = await studio.stop();
    assert.equal(stopped.state, 'idle');
    assert.equal(stopped.shareUrl, undefined);
    assert.equal(stopped.reason, 'stopped by the user');
    assert.deepEqual(
      stopped.checklist.map((item) => item.status),
      ['pending', 'pending', 'pending', 'pending', 'pending'],
      'nothing on the checklist holds once the broadcast has stopped',
    );
    // The track ends (cleanly or with the publisher's reason) rather than hanging.
    const deadline = AbortSignal.timeout(10_000);
    for (;;) {
      const next = await track.nextGroup(deadline).catch(() => undefined);
      if (next === undefined) break;
    }
    assert.equal(deadline.aborted, false, 'the viewer saw the broadcast end');
    await assert.rejects(studio.stop(), { code: 'ILLEGAL_TRANSITION' });
  });
});

describe('studio: a file that ends ends the broadcast', { timeout: 60_000 }, () => {
  it('goes live from the file, then back to idle by itself when the file is over', async () => {
    const { studio, dataDir, dispose } = await tempStudio();
    try {
      const clip = join(dataDir, 'clip.mp4');
      await promisify(execFile)('ffmpeg', [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '3'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', clip],
      ]);
      await studio.updateSettings({
        source: { kind: 'file', path: clip, loop: false },
        ladder: '360p',
        audio: 'none',
        relay: { kind: 'embedded', port: 0 },
      });
      const idle = nextEvent(studio, 'status', (s) => s.state === 'idle', 30_000);
      const live = await studio.goLive();
      assert.equal(live.state, 'live', JSON.stringify(live));
      const ended = await idle;
      assert.equal(ended.reason, 'the source ended');
      assert.equal(ended.error, undefined);
      assert.ok(Date.now() - (live.liveSince ?? 0) > 1500, 'it played the clip in real time');
    } finally {
      await dispose();
    }
  });
});

describe('studio: ffmpeg dies while live', { timeout: 60_000 }, () => {
  it('ends the broadcast with ENCODER_DIED and stays usable', async () => {
    const { studio, dispose } = await tempStudio();
    try {
      await studio.updateSettings({
        ladder: '360p',
        audio: 'none',
        relay: { kind: 'embedded', port: 0 },
      });
      assert.equal((await studio.goLive()).state, 'live');
      // Our own child: the ffmpeg this test process's studio started.
      const ffmpeg = await ffmpegChild();
      const idle = nextEvent(studio, 'status', (s) => s.state === 'idle');
      process.kill(ffmpeg, 'SIGKILL');
      const ended = await idle;
      assert.equal(ended.error?.code, 'ENCODER_DIED', JSON.stringify(ended.error));
      assert.match(ended.reason, /^the broadcast failed: the encoder stopped/);
      assert.equal((await studio.goLive()).state, 'live', 'usable again');
      assert.equal((await studio.stop()).state, 'idle');
    } finally {
      await dispose();
    }
  });
});
