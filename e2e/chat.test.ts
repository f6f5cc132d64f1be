/**
 * Chat end to end: the relay's watch page in headless Chromium posts into the broadcast's room
 * (its own MoQ session, native WebTransport), a Node reader on another session receives it, and
 * a Node viewer's message — markup included — shows on the page as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ChatPublisher, ChatRoom, type ReceivedChatMessage } from '../src/chat/index.js';
import type { MoqSession } from '../src/moq/index.js';
import { Relay } from '../src/relay/index.js';
import { join, until } from '../src/relay/relay-test-kit.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { screenshot } from './screenshots.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const NAME = 'e2e/chat';
const HOSTILE = '<img src=x onerror="window.pwned=1"><b>bold?</b>';

describe('chat: watch page ⇄ relay ⇄ Node', { skip, timeout: 90_000 }, () => {
  let relay: Relay;
  let browser: Browser;
  let page: Page;
  let reader: MoqSession;
  let room: ChatRoom;
  const received: ReceivedChatMessage[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    reader = await join(relay);
    room = new ChatRoom(reader, NAME);
    void (async () => {
      for await (const message of room.messages()) received.push(message);
    })();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    room?.close();
    reader?.close();
    await relay?.close();
  });

  test('the page posts; a Node reader receives it with the page viewer id and name', async () => {
    await page.goto(`http://127.0.0.1:${relay.port}/watch/${NAME}`);
    // The chat loads after the player's join: wait for its Send button to exist and be enabled.
    await page.waitForFunction(
      () => document.querySelector<HTMLButtonElement>('.moq-chat-send')?.disabled === false,
      undefined,
      { timeout: 20_000 },
    );
    const viewerId = await page.evaluate(
      () => (window as unknown as { moqChat: { viewerId: string } }).moqChat.viewerId,
    );
    await page.fill('.moq-chat-name', 'Page Viewer');
    await page.fill('.moq-chat-input', 'hello from <Chromium> & co');
    await page.click('.moq-chat-send');
    await until(() => received.some((m) => m.viewerId === viewerId), 15_000);
    const message = received.find((m) => m.viewerId === viewerId);
    assert.equal(message?.text, 'hello from <Chromium> & co');
    assert.equal(message?.name, 'Page Viewer');
    assert.equal(await page.inputValue('.moq-chat-input'), '', 'the input clears once sent');
    // The page reads the room too: its own message comes back through the relay.
    await page.waitForSelector(`.moq-chat-message[data-viewer="${viewerId}"]`, { timeout: 10_000 });
  });

  test("a Node viewer's message shows on the page as text, never as markup", async () => {
    const viewer = new ChatPublisher(NAME, { name: '<i>Node</i>' });
    await viewer.publish(await join(relay, 'websocket'));
    const selector = `.moq-chat-message[data-viewer="${viewer.viewerId}"]`;
    // The page discovers the new viewer by SUBSCRIBE_NAMESPACE; its recent history comes along.
    viewer.send(HOSTILE);
    await page.waitForSelector(selector, { timeout: 15_000 });
    const shown = await page.$eval(selector, (item) => ({
      who: item.querySelector('.moq-chat-who')?.textContent,
      text: item.querySelector('.moq-chat-text')?.textContent,
      elements: item.querySelectorAll('img, b, i').length,
    }));
    assert.deepEqual(shown, { who: '<i>Node</i>', text: HOSTILE, elements: 0 });
    assert.equal(
      await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
      undefined,
    );
    const listing = (await (await fetch(`http://127.0.0.1:${relay.port}/watch.json`)).json()) as {
      broadcasts: unknown[];
    };
    assert.deepEqual(listing.broadcasts, [], "viewers' chat tracks are not listed as broadcasts");
    viewer.close();
  });

  test('sending too fast says so and holds Send', async () => {
    for (let i = 0; i < 6; i++) {
      await page.fill('.moq-chat-input', `burst ${i}`);
      await page.evaluate(() =>
        (document.querySelector('.moq-chat-form') as HTMLFormElement).requestSubmit(),
      );
    }
    const status = await page.textContent('.moq-chat-status');
    assert.match(status ?? '', /slow down/i);
    assert.equal(await page.isDisabled('.moq-chat-send'), true);
    await page.waitForFunction(
      () => !(document.querySelector('.moq-chat-send') as HTMLButtonElement).disabled,
      undefined,
      { timeout: 5000 },
    );
    await screenshot(page, 'watch-chat.png');
    assert.deepEqual(pageErrors, []);
  });
});
