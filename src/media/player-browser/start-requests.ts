import type { SubscribeRequest } from '../../moq/index.js';
import { audioTracks, videoRenditions, type Catalog } from '../catalog/index.js';
import { AbrController, type AbrRung } from './abr-controller.js';
import { DecodeCapacity } from './decode-capacity.js';
import { mediaTrack, renditionInfo, type MediaTrack } from './media-track.js';
import { VideoFeed } from './video-feed.js';

/** What a catalog offers the player: its video renditions, lowest bitrate first, and its audio. */
export function playableTracks(catalog: Catalog): {
  video: MediaTrack[];
  audio: MediaTrack | undefined;
} {
  const video = videoRenditions(catalog)
    .map(mediaTrack)
    .sort((a, b) => (a.entry.bitrate ?? 0) - (b.entry.bitrate ?? 0));
  return { video, audio: audioTracks(catalog).map(mediaTrack)[0] };
}

/** The ladder as the ABR sees it, lowest first. */
export function abrRungs(video: readonly MediaTrack[]): AbrRung[] {
  return video.map((t) => {
    const info = renditionInfo(t);
    return {
      name: t.entry.name,
      ...optional('bitrate', info.bitrate),
      ...optional('height', info.height),
    };
  });
}

/**
 * The subscriptions a player with the watch page's default options (Auto by the relay, real
 * time) starts with on `catalog`: the switching set its decode capacity first offers, and the
 * audio track. The relay writes them into the page (src/relay/watch/watch-start.ts), whose
 * inline script sends them right behind the player's CLIENT_SETUP; the player's own
 * subscriptions then adopt them (src/moq/session/early-requests.ts). The same code as the
 * player's start, run without a screen: the first rung offered does not depend on it
 * (AbrController.initial caps the start at 360p, and takes at least 240p).
 */
export function startRequests(catalog: Catalog, namespace: readonly string[]): SubscribeRequest[] {
  const { video, audio } = playableTracks(catalog);
  const rungs = abrRungs(video);
  const capacity = new DecodeCapacity();
  const start = AbrController.initial(rungs, Infinity);
  capacity.setRungs(
    rungs,
    rungs.findIndex((r) => r.name === start),
  );
  const limit = capacity.limit(0) ?? Infinity;
  const first = video[0];
  if (!first) return [];
  const feed =
    video.length > 1 ? VideoFeed.switching(video.slice(0, limit + 1)) : VideoFeed.single(first);
  const requests = [feed.request(namespace)];
  if (audio) requests.push({ namespace, name: audio.entry.name });
  return requests;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
