import type { BroadcastProducer, TrackProducer } from '../../moq/index.js';
import type { BroadcastViewerStats } from './broadcast-viewer-stats.js';
import { STATS_TRACK } from './viewings.js';

const encoder = new TextEncoder();

/**
 * The `.stats` track the relay serves beside a broadcast: one group a second, one object in it,
 * the broadcast's viewer figures as JSON. It lives in the broadcast's own track table, so a
 * SUBSCRIBE for it is answered by the relay and never forwarded to the publisher; it ends as
 * soon as the broadcast drains (a companion track), so the name is free again at once.
 */
export class StatsTrack {
  readonly #track: TrackProducer | undefined;

  constructor(broadcast: BroadcastProducer) {
    this.#track = create(broadcast);
  }

  /** Writes one sample as a new group (cheap when nobody listens: one cached group). */
  write(stats: BroadcastViewerStats): void {
    const track = this.#track;
    if (!track || track.isClosed) return;
    const group = track.createGroup();
    group.write(encoder.encode(JSON.stringify(stats)));
    group.close();
  }

  close(): void {
    this.#track?.close();
  }
}

function create(broadcast: BroadcastProducer): TrackProducer | undefined {
  try {
    // The publisher's own `.stats` (if it had one) is shadowed: the name is the relay's.
    return broadcast.createCompanionTrack(STATS_TRACK, { cacheGroups: 1, priority: 255 });
  } catch {
    return undefined; // the broadcast is already closing
  }
}
