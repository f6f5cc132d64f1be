import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BroadcastProducer } from '../../moq/index.js';
import { Origin } from '../origin.js';
import { TrackWarmer } from './track-warmer.js';
import { cachedCatalog } from './watch-start.js';

const track = (name: string, role: 'video' | 'audio') => ({
  name,
  packaging: 'cmaf',
  isLive: true,
  role,
  codec: role === 'video' ? 'avc1.64001f' : 'mp4a.40.2',
  initData: 'AAAA',
  timescale: role === 'video' ? 90000 : 48000,
});
const CATALOG = { version: 1, tracks: [track('720p', 'video'), track('audio', 'audio')] };

/** A live broadcast whose catalog track holds `payload` (object 0 of its newest group). */
function broadcastWith(origin: Origin, name: string[], payload: Uint8Array): BroadcastProducer {
  const broadcast = new BroadcastProducer(name);
  broadcast.createTrack('catalog').createGroup().write(payload);
  broadcast
    .createTrack('720p')
    .createGroup()
    .write(new Uint8Array([1]));
  broadcast
    .createTrack('audio')
    .createGroup()
    .write(new Uint8Array([2]));
  origin.publish(broadcast);
  return broadcast;
}

test('the page gets the newest catalog the relay holds, and its media tracks are kept warm', async () => {
  const origin = new Origin();
  const json = JSON.stringify(CATALOG);
  const broadcast = broadcastWith(origin, ['a', 'show'], new TextEncoder().encode(json));
  const warmer = new TrackWarmer(200);
  assert.equal((await cachedCatalog(origin, ['a', 'show'], warmer))?.json, json);
  const video = broadcast.liveTrack('720p');
  assert.equal(video?.consumerCount, 1, 'held for the player about to subscribe');
  warmer.warm(broadcast, ['720p', 'audio']); // a second page: the same hold, extended
  assert.equal(video?.consumerCount, 1);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(video?.consumerCount, 0, 'let go after the warm time');
  assert.equal(broadcast.liveTrack('audio')?.consumerCount, 0);
  broadcast.close();
});

test('no inline catalog: no broadcast, another prefix, a bad or oversized catalog, none in time', async () => {
  const origin = new Origin();
  assert.equal(await cachedCatalog(origin, ['nobody']), undefined);
  broadcastWith(origin, ['bad'], new TextEncoder().encode('{not json'));
  assert.equal(await cachedCatalog(origin, ['bad']), undefined);
  assert.equal(await cachedCatalog(origin, ['bad', 'deeper']), undefined, 'exact name only');
  const big = { ...CATALOG, padding: 'x'.repeat(70_000) };
  broadcastWith(origin, ['big'], new TextEncoder().encode(JSON.stringify(big)));
  assert.equal(await cachedCatalog(origin, ['big']), undefined);
  const empty = new BroadcastProducer(['empty']);
  empty.createTrack('catalog'); // no group yet
  origin.publish(empty);
  const started = Date.now();
  assert.equal(await cachedCatalog(origin, ['empty'], undefined, 50), undefined);
  assert.ok(Date.now() - started < 2000, 'gave up after its wait');
});
