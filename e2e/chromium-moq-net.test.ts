/**
 * `@moq/net` (moq-dev's current client) in headless Chromium, on Chromium's native WebTransport,
 * through our relay: one page publishes, a second page subscribes, each with the one protocol
 * the test names — moq-lite-05, draft-18 (`moqt-18`), draft-16 (`moqt-16`), draft-14 (`moql`) — and mixed, a
 * moq-lite-05 publisher to a draft-16 subscriber and back. Every object arrives, in order. And
 * discovery: a page's announced() finds what the other page publishes (draft-16's runs on a
 * SUBSCRIBE_NAMESPACE stream of its own).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Relay, type RelayLogger } from '../src/relay/index.js';
import { until } from '../src/relay/relay-test-kit.js';
import { bundleForPage, chromiumAvailable, launchChromium, servePage } from './chromium.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';

type Received = Array<{ group: number; objects: string[] }>;

interface NetPage {
  netPublish(u: string, protocol: string, p: string, t: string, plan: object): Promise<string>;
  netSubscribe(
    u: string,
    protocol: string,
    p: string,
    t: string,
    count: number,
  ): Promise<{ version: string; groups: Received }>;
  netRelease(path: string, group: number): void;
  netAnnounced(
    u: string,
    protocol: string,
    prefix: string,
  ): Promise<{ path: string; active: boolean } | undefined>;
  netCloseAll(): void;
}

/** NET_DEBUG=1 prints the relay's log and both pages' consoles. */
const debug = process.env.NET_DEBUG !== undefined;

const plan = { groups: 4, objectsPerGroup: 10 };

const expected: Received = Array.from({ length: plan.groups }, (_, g) => ({
  group: g,
  objects: Array.from({ length: plan.objectsPerGroup }, (_, o) => `${g}:${o}`),
}));

/** The version string @moq/net reports for each protocol the test offers. */
const VERSION_OF: Record<string, RegExp> = {
  'moq-lite-05': /lite-05/,
  'moqt-16': /16/,
  'moqt-18': /18/,
  moql: /14/,
};

/** [publisher's protocol, subscriber's protocol] */
const PAIRS = [
  ['moq-lite-05', 'moq-lite-05'],
  ['moqt-16', 'moqt-16'],
  ['moql', 'moql'],
  ['moq-lite-05', 'moqt-16'],
  ['moqt-16', 'moq-lite-05'],
  ['moqt-18', 'moqt-18'],
  ['moqt-18', 'moq-lite-05'],
] as const;

describe('@moq/net in Chromium (native WebTransport) through our relay', { skip }, () => {
  let relay: Relay;
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };
  let publisherPage: Page;
  let subscriberPage: Page;
  const sessions: Array<{ transport?: string; protocol?: string }> = [];

  before(async () => {
    const logger: RelayLogger = {
      info: (fields, message) => {
        if (debug) console.log('relay', message, fields);
        if (message === 'session open') sessions.push(fields);
      },
      warn: (fields, message) => {
        if (debug) console.log('relay warn', message, fields);
      },
    };
    relay = await Relay.start({ port: 0, host: '127.0.0.1', logger });
    const script = await bundleForPage({
      file: fileURLToPath(new URL('./pages/moq-net-entry.ts', import.meta.url)),
    });
    site = await servePage(
      `<!doctype html><title>net</title><script type="module">${script}</script>`,
    );
    browser = await launchChromium();
    publisherPage = await browser.newPage();
    subscriberPage = await browser.newPage();
    for (const [name, page] of [
      ['pub', publisherPage],
      ['sub', subscriberPage],
    ] as const) {
      if (debug) page.on('console', (m) => console.log(name, m.text()));
      await page.goto(site.url);
      await page.waitForFunction(() => 'netSubscribe' in window);
    }
  });

  afterEach(async () => {
    for (const page of [publisherPage, subscriberPage]) {
      await page?.evaluate(() => (window as unknown as NetPage).netCloseAll());
    }
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await relay?.close();
  });

  for (const protocol of ['moqt-16', 'moql', 'moq-lite-05']) {
    test(`${protocol}: a page's announced() finds a broadcast another page publishes`, async () => {
      const url = `http://127.0.0.1:${relay.port}/`;
      const prefix = `chromium-found/${protocol}`;
      const found = subscriberPage.evaluate(
        ([u, p, x]) => (window as unknown as NetPage).netAnnounced(u, p, x),
        [url, protocol, prefix] as const,
      );
      await publisherPage.evaluate(
        ([u, p, x]) =>
          (window as unknown as NetPage).netPublish(u, p, x, 'data', {
            groups: 1,
            objectsPerGroup: 1,
          }),
        [url, protocol, `${prefix}/show`] as const,
      );
      assert.deepEqual(await found, { path: 'show', active: true });
    });
  }

  for (const [up, down] of PAIRS) {
    test(`${up} publisher page → relay → ${down} subscriber page`, async () => {
      const url = `http://127.0.0.1:${relay.port}/`;
      const path = `chromium-net/${up}/${down}`;
      const before = sessions.length;
      const version = await publisherPage.evaluate(
        ([u, protocol, p]) =>
          (window as unknown as NetPage).netPublish(u, protocol, p, 'data', {
            groups: 4,
            objectsPerGroup: 10,
          }),
        [url, up, path] as const,
      );
      assert.match(version, VERSION_OF[up] ?? /./);
      await until(() => relay.origin.route(path.split('/')) !== undefined, 20_000);
      const receiving = subscriberPage.evaluate(
        ([u, protocol, p, n]) =>
          (window as unknown as NetPage).netSubscribe(u, protocol, p, 'data', n),
        [url, down, path, plan.groups] as const,
      );
      // Paced by the relay's cache: a group is released once the one before it is in whole,
      // so per-group streams cannot overtake each other on the way in.
      const live = () => relay.origin.route(path.split('/'))?.liveTrack('data');
      const cached = (g: number) =>
        live()?.cachedGroups.some((c) => c.groupId === g && c.isClosed) === true;
      for (let g = 1; g < plan.groups; g++) {
        await until(() => cached(g - 1), 20_000);
        await publisherPage.evaluate(([p, n]) => (window as unknown as NetPage).netRelease(p, n), [
          path,
          g,
        ] as const);
      }
      const received = await receiving;
      assert.deepEqual(received.groups, expected);
      assert.match(received.version, VERSION_OF[down] ?? /./);
      const opened = sessions.slice(before);
      assert.deepEqual(
        opened.map((s) => [s.transport, s.protocol]).sort(),
        [
          ['webtransport', up],
          ['webtransport', down],
        ].sort(),
        'both pages came in over WebTransport with the protocol they offered',
      );
    });
  }
});
