import { GroupConsumer, type MoqSession, type TrackConsumer } from '../moq/index.js';
import { STATS_TRACK } from '../relay/index.js';
import type { ViewerQuality } from './studio-api.js';

/** Figures older than this are not shown (the relay writes one a second). */
const STALE_MS = 5000;
const decoder = new TextDecoder();

/**
 * The studio's view of its viewers: while live, the relay's `.stats` track of the broadcast is
 * read on the publishing session, so it works the same with the embedded relay and a remote
 * one. A relay that does not serve `.stats` (not ours) refuses the subscription; the figures
 * then stay unknown.
 */
export class ViewerQualityWatch {
  #latest: { quality: ViewerQuality; receivedAt: number } | undefined;

  /** The newest figures, unless they are stale. */
  current(nowMs = Date.now()): ViewerQuality | undefined {
    const latest = this.#latest;
    if (!latest || nowMs - latest.receivedAt > STALE_MS) return undefined;
    return latest.quality;
  }

  /** Reads `broadcastName`'s `.stats` on `session` until the session ends or `signal` aborts. */
  follow(session: MoqSession, broadcastName: string, signal: AbortSignal): void {
    void this.#read(session, broadcastName.split('/'), signal);
  }

  async #read(session: MoqSession, namespace: string[], signal: AbortSignal): Promise<void> {
    let consumer: TrackConsumer;
    try {
      consumer = await session.subscribe(namespace, STATS_TRACK);
    } catch {
      return; // not served here, or the session already went
    }
    const stop = (): void => consumer.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (
        let next = await consumer.nextGroup(signal);
        next;
        next = await consumer.nextGroup(signal)
      ) {
        if (!(next instanceof GroupConsumer)) continue;
        const object = await next.readObject(signal);
        const quality = object ? parseQuality(decoder.decode(object.payload)) : undefined;
        if (quality) this.#latest = { quality, receivedAt: Date.now() };
      }
    } catch {
      // The session or the run ended.
    } finally {
      signal.removeEventListener('abort', stop);
      consumer.close();
    }
  }
}

/** The relay's JSON, checked enough that the UI never shows a wrong kind of value. */
export function parseQuality(text: string): ViewerQuality | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = raw as Partial<ViewerQuality> | null;
  if (!o || typeof o.viewers !== 'number' || typeof o.at !== 'number') return undefined;
  if (typeof o.renditions !== 'object' || o.renditions === null) return undefined;
  return {
    at: o.at,
    viewers: o.viewers,
    renditions: { ...o.renditions },
    rttMs: o.rttMs ?? null,
    lossRatio: o.lossRatio ?? null,
    deliveryRateBps: o.deliveryRateBps ?? null,
    sentBps: typeof o.sentBps === 'number' ? o.sentBps : 0,
    groupsDropped: typeof o.groupsDropped === 'number' ? o.groupsDropped : 0,
    stalls: typeof o.stalls === 'number' ? o.stalls : null,
  };
}
