// Why a media track ended: a rendition taken away (the catalog republished without it) or the
// broadcast over (its catalog track ended, or nothing said otherwise in time).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogChanges } from './catalog-changes.js';
import { StatsRecorder } from './stats-recorder.js';

const live = new AbortController().signal;

test('a rendition already gone from the catalog: removed, at once', async () => {
  const changes = new CatalogChanges();
  assert.equal(await changes.whyEnded(() => true, 10_000, live), 'rendition removed');
});

test('the catalog republished without it after the track ended: removed', async () => {
  const changes = new CatalogChanges();
  let listed = true;
  const why = changes.whyEnded(() => !listed, 10_000, live);
  changes.changed(); // a catalog that still lists it: keep waiting
  await Promise.resolve();
  listed = false;
  changes.changed();
  assert.equal(await why, 'rendition removed');
});

test('the catalog track ended: the broadcast ended, without waiting out the time', async () => {
  const changes = new CatalogChanges();
  const started = performance.now();
  const why = changes.whyEnded(() => false, 10_000, live);
  changes.end();
  assert.equal(await why, 'broadcast ended');
  assert.ok(performance.now() - started < 5_000);
  assert.equal(await changes.whyEnded(() => false, 10_000, live), 'broadcast ended');
});

test('nothing said in time, or the player closed: the broadcast ended', async () => {
  assert.equal(await new CatalogChanges().whyEnded(() => false, 20, live), 'broadcast ended');
  const closing = new AbortController();
  const why = new CatalogChanges().whyEnded(() => false, 10_000, closing.signal);
  closing.abort();
  assert.equal(await why, 'broadcast ended');
});

test("the ABR's sample counts frames since the previous one, and skips a reset", () => {
  const stats = new StatsRecorder(performance.now());
  stats.framesRendered = 30;
  stats.framesDropped = 2;
  const first = stats.abrSample(false, 5_000_000);
  assert.equal(first?.rendered, 30);
  assert.equal(first?.dropped, 2);
  assert.equal(first?.throughputBps, 5_000_000);
  stats.framesRendered = 58;
  assert.deepEqual(
    [stats.abrSample(true, undefined)?.rendered, stats.abrSample(true, undefined)?.rendered],
    [28, 0],
  );
  stats.framesRendered = 0; // reset
  assert.equal(stats.abrSample(false, undefined), undefined);
});

test('endedWithin: true once the catalog track ends, false when the time runs out first', async () => {
  const changes = new CatalogChanges();
  const ending = changes.endedWithin(10_000, live);
  changes.end();
  assert.equal(await ending, true);
  assert.equal(await new CatalogChanges().endedWithin(20, live), false);
});
