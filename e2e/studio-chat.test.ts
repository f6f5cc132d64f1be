/**
 * Chat into the studio end to end: `moq-studio serve` as a real process goes live (test
 * pattern, 360p, real ffmpeg, embedded relay); a viewer on the relay's watch page in Chromium
 * posts; the studio page's chat panel shows the message, as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { StudioClient, type WebSocketConstructor } from '../src/studio/studio-client.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { startStudio, type StudioServer } from './studio-server.js';
import { screenshot } from './screenshots.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const TEXT = 'hi studio <script>alert(1)</script>';

describe('chat: watch page → relay → studio page', { skip, timeout: 120_000 }, () => {
  let server: StudioServer;
  let client: StudioClient;
  let browser: Browser;
  let studioPage: Page;
  let watchPage: Page;

  before(async () => {
    server = await startStudio();
    client = await StudioClient.fromPage(server.url, {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    });
    await client.updateSettings({
      source: { kind: 'test-pattern' },
      ladder: '360p',
      audio: 'none',
      broadcastName: 'chat/show',
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await client?.stop().catch(() => undefined);
    client?.close();
    await server?.close();
  });

  test('a message posted on the watch page shows in the studio', async () => {
    const status = await client.goLive();
    assert.equal(status.state, 'live', JSON.stringify(status.error));
    studioPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await studioPage.goto(server.url);
    await studioPage.waitForSelector('[data-testid="chat"]', { timeout: 20_000 });

    watchPage = await browser.newPage();
    await watchPage.goto(status.shareUrl ?? '');
    await watchPage.waitForFunction(
      () => document.querySelector<HTMLButtonElement>('.moq-chat-send')?.disabled === false,
      undefined,
      { timeout: 20_000 },
    );
    await watchPage.fill('.moq-chat-name', 'Chromium viewer');
    await watchPage.fill('.moq-chat-input', TEXT);
    await watchPage.click('.moq-chat-send');

    const item = studioPage.locator('[data-testid="chat"] .chat-message', { hasText: 'hi studio' });
    await item.waitFor({ timeout: 20_000 });
    assert.equal(await item.locator('.chat-text').textContent(), TEXT);
    assert.equal(await item.locator('.chat-name').textContent(), 'Chromium viewer');
    assert.equal(await studioPage.locator('[data-testid="chat"] script').count(), 0);
    const history = await client.getChat();
    assert.ok(history.some((m) => m.text === TEXT && m.name === 'Chromium viewer'));
    await screenshot(studioPage, 'studio-chat.png');
  });
});
