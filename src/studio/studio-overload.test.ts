import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { until } from '../async/index.js';
import { readCatalogs, type Catalog } from '../media/catalog/index.js';
import { GroupConsumer } from '../moq/index.js';
import { CpuQuota, cpuQuotaUnavailable } from './cpu-quota-test-kit.js';
import type { StudioLogEntry } from './studio-api.js';
import { ffmpegChild, nextEvent, tempStudio, viewerSession } from './studio-test-kit.js';

/** The drop must come within 10 s of the overload starting; the rest is margin for a busy CI. */
const DROP_WITHIN_MS = 10_000;
const MARGIN_MS = 5_000;

const unavailable = await cpuQuotaUnavailable();

describe('studio: an overloaded encoder drops its top rendition', { timeout: 120_000 }, () => {
  it(
    'caps ffmpeg’s CPU, sees the top rung dropped from the encoder and the catalog',
    { skip: unavailable ? `skipped: ${unavailable}` : false },
    async () => {
      const { studio, dispose } = await tempStudio();
      let quota: CpuQuota | undefined;
      const catalogs = new AbortController();
      try {
        await studio.updateSettings({
          ladder: '360p,240p',
          audio: 'aac',
          relay: { kind: 'embedded', port: 0 },
          broadcastName: 'hog/show',
        });
        const log: StudioLogEntry[] = [];
        studio.on('log', (entry) => log.push(entry));
        const live = await studio.goLive();
        assert.equal(live.state, 'live', JSON.stringify(live));

        const info = await studio.getRelayInfo();
        const viewer = await viewerSession(info.url ?? '');
        let latest: Catalog | undefined;
        const reading = (async () => {
          const track = await viewer.subscribe(['hog', 'show'], 'catalog');
          for await (const catalog of readCatalogs(track, catalogs.signal)) latest = catalog;
        })().catch(() => undefined);
        const trackNames = (): string =>
          (latest?.tracks.map((track) => track.name) ?? []).sort().join(',');
        await until('the first catalog', () => trackNames() === '240p,360p,audio');

        // Unloaded, this ladder runs in real time: wait until ffmpeg says so, and learn how much
        // CPU it needs for that. Capped at 40 % of it, it cannot keep up on any machine.
        const unloaded = await nextEvent(
          studio,
          'stats',
          (s) => (s.encoder?.speed ?? 0) >= 0.95 && (s.encoder?.cpuPercent ?? 0) > 0,
          15_000,
        );
        const needs = unloaded.encoder?.cpuPercent ?? 100;
        const pid = await ffmpegChild();
        quota = await CpuQuota.create(Math.max(2, Math.round(needs * 0.4)));
        await quota.add(pid);
        const hoggedAt = Date.now();

        const dropped = await nextEvent(
          studio,
          'stats',
          (s) => s.ladderDropped.includes('360p'),
          DROP_WITHIN_MS + MARGIN_MS,
        );
        const tookMs = Date.now() - hoggedAt;
        assert.ok((await quota.throttled()) > 0, 'the cgroup did throttle ffmpeg');
        assert.deepEqual(dropped.ladderDropped, ['360p']);
        assert.deepEqual(
          dropped.renditions.map((r) => r.name),
          ['240p', 'audio'],
          'the stats show the new ladder',
        );
        const said = log.find((entry) => entry.message.startsWith('encoding overloaded: dropped'));
        assert.match(
          said?.message ?? '',
          /^encoding overloaded: dropped 360p, now 240p \(ffmpeg ran at \d\.\d\d× real time/,
        );
        await until('the catalog without 360p', () => trackNames() === '240p,audio', {
          timeoutMs: 5_000,
        });
        console.log(`top rung dropped ${tookMs} ms after the CPU cap; log: ${said?.message}`);
        assert.ok(tookMs < DROP_WITHIN_MS + MARGIN_MS, `dropped after ${tookMs} ms`);

        // The kept rendition goes on, from the new encoder, for viewers who stayed.
        const video = await viewer.subscribe(['hog', 'show'], '240p');
        const group = await video.nextGroup(AbortSignal.timeout(10_000));
        assert.ok(group instanceof GroupConsumer);
        assert.equal((await studio.getStatus()).state, 'live');
        viewer.close();
        await reading;
      } finally {
        catalogs.abort();
        await studio.stop().catch(() => undefined);
        await quota?.remove();
        await dispose();
      }
    },
  );
});
