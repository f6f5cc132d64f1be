/**
 * The studio reads its viewers' chat: it goes live on the embedded relay (real ffmpeg, 360p),
 * a Node viewer on its own MoQ session posts, the `chat` event and getChat carry the message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatPublisher } from '../chat/index.js';
import type { MoqSession } from '../moq/index.js';
import type { Studio } from './studio.js';
import { nextEvent, tempStudio, viewerSession } from './studio-test-kit.js';

describe('studio: chat from viewers while live', { timeout: 90_000 }, () => {
  let studio: Studio;
  let dispose: () => Promise<void>;
  let viewer: MoqSession | undefined;
  let second: MoqSession | undefined;

  before(async () => {
    ({ studio, dispose } = await tempStudio());
    await studio.updateSettings({
      ladder: '360p',
      audio: 'none',
      relay: { kind: 'embedded', port: 0 },
      broadcastName: 'show/chat',
    });
  });
  after(async () => {
    viewer?.close();
    second?.close();
    await dispose();
  });

  it('pushes a viewer message as a chat event and keeps it for getChat', async () => {
    const status = await studio.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status.error));
    const info = await studio.getRelayInfo();
    viewer = await viewerSession(info.url ?? '');
    const chat = new ChatPublisher('show/chat', { name: 'Viewer <1>' });
    await chat.publish(viewer);

    // The studio may discover the viewer a moment after the announcement: post until it hears.
    const heard = nextEvent(studio, 'chat', (m) => m.viewerId === chat.viewerId, 15_000);
    const poster = setInterval(() => {
      if (chat.retryAfterMs === 0) chat.send('hello <b>studio</b>');
    }, 1000);
    chat.send('hello <b>studio</b>');
    const message = await heard.finally(() => clearInterval(poster));
    assert.equal(message.text, 'hello <b>studio</b>');
    assert.equal(message.name, 'Viewer <1>');
    assert.ok(message.receivedAt >= message.sentAt - 1000);

    const history = await studio.getChat();
    assert.ok(history.some((m) => m.viewerId === chat.viewerId && m.text === message.text));
  });

  it('keeps the chat after Stop, and live again it adds only new messages', async () => {
    await studio.stop();
    const before = await studio.getChat();
    assert.ok(before.length >= 1);
    const status = await studio.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status.error));
    // The relay still caches the viewer's earlier messages; the new room replays them.
    const info = await studio.getRelayInfo();
    second = await viewerSession(info.url ?? '');
    const chat = new ChatPublisher('show/chat');
    await chat.publish(second);
    const heard = nextEvent(studio, 'chat', (m) => m.viewerId === chat.viewerId, 15_000);
    chat.send('second run');
    assert.equal((await heard).text, 'second run');
    const after = await studio.getChat();
    const keys = after.map((m) => `${m.viewerId}/${m.sentAt}/${m.text}`);
    assert.equal(new Set(keys).size, keys.length, 'no message twice');
    assert.equal(after.length, before.length + 1);
  });
});
