// The subscriptions the watch page writes ahead for its player: the relay computes them with the
// player's own start logic, so the player's first SUBSCRIBEs match them byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ControlMessageDecoder,
  Version,
  decodeSwitchingSet,
  earlySubscribeBytes,
  type Subscribe,
} from '../../moq/index.js';
import type { Catalog } from '../catalog/index.js';
import { startRequests } from './start-requests.js';
import { VIDEO_DELIVERY_TIMEOUT_MS } from './video-feed.js';

const video = (height: number, bitrate: number) => ({
  name: `${height}p`,
  packaging: 'legacy' as const,
  isLive: true,
  role: 'video' as const,
  codec: 'avc1.64001f',
  width: Math.round((height * 16) / 9),
  height,
  bitrate,
});
const AUDIO = {
  name: 'audio',
  packaging: 'legacy' as const,
  isLive: true,
  role: 'audio' as const,
  codec: 'opus',
  samplerate: 48_000,
  channelConfig: '2',
};

function subscribes(bytes: Uint8Array): Subscribe[] {
  const decoder = new ControlMessageDecoder(Version.DRAFT_14);
  decoder.push(bytes);
  const out: Subscribe[] = [];
  for (let m = decoder.next(); m; m = decoder.next()) {
    assert.equal(m.kind, 'subscribe');
    out.push(m);
  }
  return out;
}

test('a ladder: the switching set the decode capacity first offers (one rung past 360p), then audio', () => {
  const catalog = {
    version: 1,
    tracks: [video(1080, 6e6), video(240, 4e5), video(720, 3e6), video(360, 8e5), AUDIO],
  } as Catalog;
  const [first, audio, ...rest] = subscribes(
    earlySubscribeBytes(startRequests(catalog, ['a', 'b'])),
  );
  assert.equal(rest.length, 0);
  assert.ok(first && audio);
  assert.deepEqual([first.requestId, audio.requestId], [0, 2], 'a fresh client session’s ids');
  assert.deepEqual(first.trackNamespace, ['a', 'b']);
  assert.equal(first.trackName, '240p', 'the lowest names the subscription');
  const set = first.parameters.switchingSet;
  assert.ok(set);
  assert.deepEqual(
    decodeSwitchingSet(set).map((e) => [e.trackName, e.bitrateBps]),
    [
      ['240p', 4e5],
      ['360p', 8e5],
      ['720p', 3e6],
    ],
  );
  assert.equal(first.parameters.deliveryTimeoutMs, VIDEO_DELIVERY_TIMEOUT_MS);
  assert.equal(audio.trackName, 'audio');
  assert.equal(audio.parameters.entries.length, 0);
});

test('one rendition: a plain subscription to it; no video: nothing to write', () => {
  const one = { version: 1, tracks: [video(720, 3e6)] } as Catalog;
  const [only, ...rest] = subscribes(earlySubscribeBytes(startRequests(one, ['x'])));
  assert.equal(rest.length, 0);
  assert.equal(only?.trackName, '720p');
  assert.equal(only?.parameters.switchingSet, undefined);
  assert.deepEqual(startRequests({ version: 1, tracks: [AUDIO] } as Catalog, ['x']), []);
});
