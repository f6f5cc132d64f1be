import type { BroadcastProducer } from '../../moq/index.js';
import type { SessionRecord } from './session-record.js';

/** The track the relay serves itself beside each broadcast (see stats-track.ts). */
export const STATS_TRACK = '.stats';

/** One subscription of one session: which broadcast, and which rendition it gets now. */
export interface Viewing {
  broadcast: string;
  /** The track sent now: the subscribed track, or a switching set's current rendition. */
  rendition: string;
  session: SessionRecord;
}

/**
 * Every subscription the relay serves now, from each session's own list (plain subscriptions)
 * and the relay's switching sets. `.stats` subscriptions are not viewers and are left out.
 */
export function currentViewings(
  sessions: Iterable<SessionRecord>,
  route: (namespace: readonly string[]) => BroadcastProducer | undefined,
): Viewing[] {
  const out: Viewing[] = [];
  for (const session of sessions) {
    for (const served of session.session.servedSubscriptions) {
      if (served.switchingSet || served.trackName === STATS_TRACK) continue;
      const broadcast = route(served.namespace);
      if (broadcast) out.push({ broadcast: broadcast.path, rendition: served.trackName, session });
    }
    for (const { broadcast, entries, track } of session.switching) {
      const chosen = entries[track.state.rendition ?? 0] ?? entries[0];
      if (chosen) out.push({ broadcast: broadcast.path, rendition: chosen.trackName, session });
    }
  }
  return out;
}
