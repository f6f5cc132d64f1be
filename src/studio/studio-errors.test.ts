import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BroadcastProducer, type MoqSession } from '../moq/index.js';
import { Relay } from '../relay/index.js';
import type { StudioErrorCode, StudioStatus } from './studio-api.js';
import type { Studio } from './studio.js';
import { inState, nextEvent, tempStudio, viewerSession } from './studio-test-kit.js';

/** A TCP+UDP port nobody listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

function assertFailed(status: StudioStatus, code: StudioErrorCode, step: string): void {
  assert.equal(status.state, 'idle', JSON.stringify(status));
  assert.equal(status.error?.code, code, JSON.stringify(status.error));
  assert.ok((status.error?.hint ?? '').length > 0, 'an actionable hint');
  assert.match(status.reason, /^going live failed: /);
  const failed = status.checklist.find((item) => item.status === 'failed');
  assert.equal(failed?.step, step);
}

describe('studio: bad input leaves a clear error and a usable studio', { timeout: 120_000 }, () => {
  let studio: Studio;
  let dispose: () => Promise<void>;
  let relay: Relay;
  let squatter: MoqSession;
  const logs: string[] = [];

  before(async () => {
    ({ studio, dispose } = await tempStudio());
    studio.on('log', (entry) => logs.push(`${entry.level}: ${entry.message}`));
    await studio.updateSettings({ ladder: '360p', audio: 'none' });
    relay = await Relay.start({ host: '127.0.0.1', port: 0 });
    // Another publisher already holds the name "taken" on this relay.
    squatter = await viewerSession(`http://127.0.0.1:${relay.port}/`);
    await squatter.publish(new BroadcastProducer(['taken']));
  });
  after(async () => {
    squatter.close();
    await dispose();
    await relay.close();
  });

  it('an invalid relay URL', async () => {
    await studio.updateSettings({ relay: { kind: 'remote', url: 'relay.example.com:4443' } });
    assertFailed(await studio.goLive(), 'BAD_RELAY_URL', 'relay');
    await studio.updateSettings({ relay: { kind: 'remote', url: 'ftp://relay.example.com/' } });
    const status = await studio.goLive();
    assertFailed(status, 'BAD_RELAY_URL', 'relay');
    assert.match(status.error?.message ?? '', /ftp: is not http: or https:/);
    assert.ok(logs.some((line) => line.startsWith('error: the relay URL')));
  });

  it('an unreachable relay', async () => {
    const port = await freePort();
    await studio.updateSettings({ relay: { kind: 'remote', url: `http://127.0.0.1:${port}/` } });
    const status = await studio.goLive();
    assertFailed(status, 'RELAY_UNREACHABLE', 'relay');
    assert.match(
      status.error?.message ?? '',
      new RegExp(`cannot reach the relay at http://127.0.0.1:${port}`),
    );
  });

  it('a taken broadcast name, with another name suggested', async () => {
    await studio.updateSettings({
      relay: { kind: 'remote', url: `http://127.0.0.1:${relay.port}/` },
      broadcastName: 'taken',
    });
    const status = await studio.goLive();
    assertFailed(status, 'NAME_TAKEN', 'announced');
    assert.match(status.error?.hint ?? '', /"taken-2"/);
    assert.equal(status.checklist[0]?.status, 'done', 'the relay itself was reached');
  });

  it('a missing media file', async () => {
    await studio.updateSettings({
      source: { kind: 'file', path: '/nonexistent/clip.mp4', loop: true },
      broadcastName: 'free',
    });
    const status = await studio.goLive();
    assertFailed(status, 'FILE_NOT_FOUND', 'relay');
    assert.match(status.error?.message ?? '', /\/nonexistent\/clip\.mp4/);
    await studio.updateSettings({ source: { kind: 'test-pattern' } });
  });

  it('an embedded relay port already in use', async () => {
    await studio.updateSettings({ relay: { kind: 'embedded', port: relay.port } });
    const status = await studio.goLive();
    assertFailed(status, 'RELAY_PORT_IN_USE', 'relay');
    assert.match(status.error?.hint ?? '', /0 picks a free one/);
  });

  it('bad settings are refused and change nothing', async () => {
    const before = await studio.getSettings();
    await assert.rejects(studio.updateSettings({ ladder: '999x' }), { code: 'BAD_SETTINGS' });
    await assert.rejects(studio.updateSettings({ broadcastName: 'a//b' }), {
      code: 'BAD_SETTINGS',
    });
    assert.deepEqual(await studio.getSettings(), before);
    await assert.rejects(studio.retryNow(), { code: 'ILLEGAL_TRANSITION' });
    await assert.rejects(studio.pushChunk(new Uint8Array(4)), { code: 'BAD_PARAMS' });
  });

  it('after all that, goes live and stops', async () => {
    await studio.updateSettings({
      relay: { kind: 'remote', url: `http://127.0.0.1:${relay.port}/` },
      broadcastName: 'free',
    });
    const status = await studio.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status));
    assert.equal(status.error, undefined, 'a new attempt clears the old error');
    assert.equal((await studio.stop()).state, 'idle');
  });
});

describe('studio: ffmpeg missing', { timeout: 60_000 }, () => {
  it('says how to install ffmpeg or set FFMPEG_PATH, and stays usable', async () => {
    const { studio, dispose } = await tempStudio({
      env: { FFMPEG_PATH: '/nonexistent/ffmpeg', PATH: '' },
    });
    try {
      await studio.updateSettings({ relay: { kind: 'embedded', port: 0 } });
      const status = await studio.goLive();
      assertFailed(status, 'FFMPEG_MISSING', 'relay');
      assert.match(status.error?.hint ?? '', /apt install ffmpeg/);
      assert.match(status.error?.hint ?? '', /FFMPEG_PATH/);
      const again = await studio.goLive();
      assertFailed(again, 'FFMPEG_MISSING', 'relay');
      assert.equal((await studio.getRelayInfo()).running, true, 'the embedded relay stays up');
    } finally {
      await dispose();
    }
  });
});

describe('studio: Stop while checking', { timeout: 30_000 }, () => {
  const silentServers: Server[] = [];
  after(() => silentServers.forEach((server) => server.close()));

  it('cancels the attempt at once and returns to idle', async () => {
    const { studio, dispose } = await tempStudio();
    try {
      // A TCP server that accepts and never answers: reaching the relay hangs until its timeout.
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      assert.ok(address && typeof address === 'object');
      silentServers.push(silent);
      const url = `http://127.0.0.1:${address.port}/`;
      await studio.updateSettings({ relay: { kind: 'remote', url } });
      const checking = nextEvent(studio, 'status', inState('checking'));
      const attempt = studio.goLive();
      await checking;
      // Stop in the middle of the attempt, not right at its start.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      const stopped = await studio.stop();
      assert.equal(stopped.state, 'idle');
      assert.equal(stopped.reason, 'stopped by the user');
      assert.ok(Date.now() - started < 3000, `stopped in ${Date.now() - started} ms`);
      assert.equal((await attempt).state, 'idle');
      assert.equal((await studio.getStatus()).error, undefined, 'a cancel is not a failure');
    } finally {
      await dispose();
    }
  });
});
