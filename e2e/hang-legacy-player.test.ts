/**
 * Our watch page on hang broadcasts in the legacy container, in headless Chromium: legacy H.264
 * with legacy Opus or AAC audio (real ffmpeg media sent as `@moq/publish` sends it) plays with
 * audio decoded, a catalog with fields we do not know still plays, and bad catalogs (broken
 * JSON, wrong types, a codec nobody decodes, nothing in it) each show their reason — while a
 * viewer of a good broadcast on the same relay keeps playing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PlayerStats } from '../src/media/player-browser/index.js';
import { Relay } from '../src/relay/index.js';
import { until } from '../src/async/index.js';
import {
  makeLegacyAudio,
  makeLegacyVideo,
  type LegacyAudio,
  type LegacyObject,
} from '../src/media/legacy/legacy-test-kit.js';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { publishLegacyBroadcast, type LegacyBroadcast } from './hang-legacy-publisher.js';

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';
const SECONDS = 4;
const durationUs = SECONDS * 1_000_000;

function stats(page: Page): Promise<PlayerStats | undefined> {
  return page
    .evaluate(() => {
      const player = (window as unknown as { moqPlayer?: { stats(): PlayerStats } }).moqPlayer;
      return player?.stats();
    })
    .catch(() => undefined);
}

async function statsUntil(
  page: Page,
  what: string,
  check: (s: PlayerStats) => boolean,
  timeoutMs = 60_000,
): Promise<PlayerStats> {
  let last: PlayerStats | undefined;
  const probe = async (): Promise<PlayerStats | undefined> => {
    last = await stats(page);
    return last && check(last) ? last : undefined;
  };
  return until(what, probe, { timeoutMs, intervalMs: 250 }).catch((error: unknown) => {
    throw new Error(`${String(error)}; last stats ${JSON.stringify(last)}`);
  });
}

describe('watch page on hang legacy broadcasts', { skip }, () => {
  let relay: Relay;
  let browser: Browser;
  let video: { config: Record<string, unknown>; objects: LegacyObject[] };
  const audio: Partial<Record<'opus' | 'aac', LegacyAudio>> = {};
  const broadcasts: LegacyBroadcast[] = [];

  before(async () => {
    relay = await Relay.start({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    video = await makeLegacyVideo(SECONDS);
    audio.opus = await makeLegacyAudio('opus', SECONDS);
    audio.aac = await makeLegacyAudio('aac', SECONDS);
  });

  after(async () => {
    await browser?.close();
    for (const b of broadcasts) b.close();
    await relay?.close();
  });

  function publish(name: string, codec: 'opus' | 'aac', catalog?: unknown): void {
    const sound = audio[codec] as LegacyAudio;
    const described = catalog ?? {
      video: { renditions: { 'video/hd': video.config } },
      audio: { renditions: { 'audio/data': sound.config } },
    };
    broadcasts.push(
      publishLegacyBroadcast(relay, name, described, [
        { name: 'video/hd', objects: video.objects, durationUs },
        {
          name: 'audio/data',
          objects: sound.objects.map((payload) => ({ objectId: 0, payload })),
          durationUs,
        },
      ]),
    );
  }

  async function open(name: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${relay.port}/watch/${name}`);
    return page;
  }

  for (const codec of ['opus', 'aac'] as const) {
    test(`legacy H.264 + legacy ${codec}: video plays and audio frames are decoded`, async () => {
      const name = `legacy-play/${codec}`;
      // Fields hang may add one day (and some it has now that we do not read) are ignored.
      publish(name, codec, {
        video: {
          renditions: { 'video/hd': { ...video.config, flip: false, futureField: { a: 1 } } },
          display: { width: 320, height: 180 },
          rotation: 0,
        },
        audio: {
          renditions: {
            'audio/data': { ...(audio[codec] as LegacyAudio).config, jitter: 20, other: 'x' },
          },
        },
        user: { name: 'someone' },
        chat: { message: { name: 'chat' } },
        preview: 'preview.json',
      });
      const page = await open(name);
      try {
        const s = await statsUntil(
          page,
          `legacy ${codec} audio decoded beside rendered video`,
          (s) => s.framesRendered > 30 && s.audioFramesDecoded > 25,
        );
        assert.equal(s.state, 'playing');
        assert.equal(s.reasonCode, undefined);
        console.log(
          `watch page on legacy H.264 + ${codec}: ${s.framesRendered} frames rendered, ` +
            `${s.audioFramesDecoded} audio frames decoded, ${s.audioFramesPlayed} played`,
        );
      } finally {
        await page.close();
      }
    });
  }

  test('bad catalogs each show their reason; a viewer of a good broadcast keeps playing', async () => {
    publish('legacy-bad/good', 'opus');
    const good = await open('legacy-bad/good');
    try {
      await statsUntil(good, 'the good broadcast playing', (s) => s.framesRendered > 10);
      const cases: Array<{ name: string; catalog: unknown; code: string; text: RegExp }> = [
        {
          name: 'broken-json',
          catalog: new TextEncoder().encode('{"video": {"renditions": '),
          code: 'NO_CATALOG',
          text: /not UTF-8 JSON/,
        },
        {
          name: 'wrong-types',
          catalog: { video: { renditions: { 'video/hd': { codec: 42, codedWidth: 'wide' } } } },
          code: 'NO_CATALOG',
          text: /video\.video\/hd/,
        },
        {
          name: 'unplayable-codec',
          catalog: {
            video: {
              renditions: { 'video/hd': { ...video.config, codec: 'xyz9.not.a.codec' } },
            },
          },
          code: 'UNSUPPORTED_CODEC',
          text: /xyz9/,
        },
        { name: 'empty', catalog: {}, code: 'NO_PLAYABLE_TRACK', text: /no video track/ },
      ];
      for (const bad of cases) publish(`legacy-bad/${bad.name}`, 'opus', bad.catalog);
      for (const bad of cases) {
        const page = await open(`legacy-bad/${bad.name}`);
        try {
          const s = await statsUntil(
            page,
            `the reason for the ${bad.name} catalog`,
            (s) => s.reasonCode === bad.code,
            30_000,
          );
          assert.match(s.reason ?? '', bad.text, JSON.stringify(s));
          console.log(`${bad.name}: ${s.state} ${s.reasonCode}: ${s.reason}`);
        } finally {
          await page.close();
        }
      }
      const before = (await stats(good))?.framesRendered ?? 0;
      const after = await statsUntil(
        good,
        'the good viewer still rendering',
        (s) => s.framesRendered > before + 30,
      );
      assert.equal(after.state, 'playing');
    } finally {
      await good.close();
    }
  });
});
