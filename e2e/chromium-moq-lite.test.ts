/**
 * @moq/lite running in headless Chromium, on Chromium's native WebTransport, through our relay:
 * a browser subscriber of a Node publisher, and a browser publisher to a Node subscriber.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GroupConsumer } from '../src/moq/index.js';
import { Relay, type RelayLogger } from '../src/relay/index.js';
import { join, publisher, until, writeGroups } from '../src/relay/relay-test-kit.js';
import { bundleForPage, chromiumAvailable, launchChromium, servePage } from './chromium.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';

type Received = Array<{ group: number; objects: string[] }>;

const expected = (groups: number, objects: number): Received =>
  Array.from({ length: groups }, (_, g) => ({
    group: g,
    objects: Array.from({ length: objects }, (_, o) => `${g}:${o}`),
  }));

function bundleLite(): Promise<string> {
  return bundleForPage({
    file: fileURLToPath(new URL('./pages/moq-lite-entry.ts', import.meta.url)),
  });
}

describe('@moq/lite in Chromium (native WebTransport) through our relay', { skip }, () => {
  let relay: Relay;
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };
  let page: Page;
  const transports: string[] = [];

  before(async () => {
    const logger: RelayLogger = {
      info: (fields) => {
        const transport = (fields as { transport?: string }).transport;
        if (transport) transports.push(transport);
      },
      warn: () => undefined,
    };
    relay = await Relay.start({ port: 0, host: '127.0.0.1', logger });
    const script = await bundleLite();
    site = await servePage(
      `<!doctype html><title>lite</title><script type="module">${script}</script>`,
    );
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => 'liteSubscribe' in window);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await relay?.close();
  });

  test('a browser subscriber receives every group a Node publisher sends', async () => {
    const ours = await publisher(relay, ['chromium', 'from-node'], 'data');
    const url = `http://127.0.0.1:${relay.port}/`;
    const receiving = page.evaluate(
      (u) =>
        (
          window as unknown as {
            liteSubscribe: (u: string, p: string, t: string, n: number) => Promise<Received>;
          }
        ).liteSubscribe(u, 'chromium/from-node', 'data', 3),
      url,
    );
    await until(() => ours.track.consumerCount === 1, 10_000);
    await writeGroups(ours.track, 3, 10, 20);
    // Each group is its own QUIC stream: the browser may see a later one open first.
    const got = [...(await receiving)].sort((a, b) => a.group - b.group);
    assert.deepEqual(got, expected(3, 10));
    assert.ok(transports.includes('webtransport'), 'the browser came in over WebTransport');
    assert.ok(!transports.includes('qmux'), 'no WebSocket fallback was used');
    ours.session.close();
  });

  test('a browser publisher reaches a Node subscriber', async () => {
    const url = `http://127.0.0.1:${relay.port}/`;
    void page
      .evaluate(
        (u) =>
          (
            window as unknown as {
              litePublish: (u: string, p: string, t: string, plan: object) => Promise<void>;
            }
          ).litePublish(u, 'chromium/from-browser', 'data', {
            groups: 3,
            objectsPerGroup: 5,
            intervalMs: 30,
          }),
        url,
      )
      .catch(() => undefined); // runs until the page closes
    await until(() => relay.origin.route(['chromium', 'from-browser']) !== undefined, 10_000);
    const session = await join(relay);
    const consumer = await session.subscribe(['chromium', 'from-browser'], 'data');
    const got: Received = [];
    while (got.length < 3) {
      const next = await consumer.nextGroup();
      if (!(next instanceof GroupConsumer)) continue;
      const objects: string[] = [];
      for (let o = await next.readObject(); o; o = await next.readObject()) {
        objects.push(new TextDecoder().decode(o.payload));
      }
      got.push({ group: next.groupId, objects });
    }
    assert.deepEqual(got, expected(3, 5));
    session.close();
  });
});
