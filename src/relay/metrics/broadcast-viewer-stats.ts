import type { Viewing } from './viewings.js';

/**
 * What one broadcast's viewers get, as the relay sees it: the `.stats` track's JSON object and
 * the per-broadcast metrics. Documented in docs/operations.md.
 */
export interface BroadcastViewerStats {
  broadcast: string;
  /** Wall-clock time of the sample, ms since the epoch. */
  at: number;
  /** Sessions subscribed to any track of the broadcast (not counting `.stats`). */
  viewers: number;
  /** Subscribers per track: a switching set counts under the rendition it is on now. */
  renditions: Record<string, number>;
  /** Viewers' round-trip times, ms; null when no viewer's transport reports one (QMux/TCP). */
  rttMs: { p50: number; p95: number } | null;
  /** Packets lost over sent in the last second, across viewers; null as for rttMs. */
  lossRatio: { mean: number; max: number } | null;
  /** QUIC's delivery-rate estimate per viewer, bits/s; null as for rttMs. */
  deliveryRateBps: { p50: number; min: number } | null;
  /** Bits/s the relay sent to these viewers over the last second (all their tracks). */
  sentBps: number;
  /** Groups the relay dropped for these viewers (slow links or lagging), over their sessions. */
  groupsDropped: number;
  /** Playback stalls: players know them, the relay does not (always null here). */
  stalls: number | null;
}

/** Summarises the viewings of one broadcast; each session counts once however many tracks. */
export function summarize(
  broadcast: string,
  viewings: Viewing[],
  at: number,
): BroadcastViewerStats {
  const renditions: Record<string, number> = {};
  const sessions = new Set(viewings.map((v) => v.session));
  for (const { rendition } of viewings) renditions[rendition] = (renditions[rendition] ?? 0) + 1;
  const links = [...sessions].flatMap((s) => (s.link ? [s.link] : []));
  const rtts = links.map((l) => l.rttMs).sort((a, b) => a - b);
  const losses = links.map((l) => l.lossRatio);
  const rates = links.map((l) => l.deliveryRateBps).sort((a, b) => a - b);
  return {
    broadcast,
    at,
    viewers: sessions.size,
    renditions,
    rttMs: rtts.length
      ? { p50: round(quantile(rtts, 0.5)), p95: round(quantile(rtts, 0.95)) }
      : null,
    lossRatio: losses.length
      ? {
          mean: ratio(losses.reduce((a, b) => a + b, 0) / losses.length),
          max: ratio(Math.max(...losses)),
        }
      : null,
    deliveryRateBps: rates.length
      ? { p50: Math.round(quantile(rates, 0.5)), min: Math.round(rates[0] as number) }
      : null,
    sentBps: Math.round(links.reduce((sum, l) => sum + (l.sentBps ?? 0), 0)),
    groupsDropped: [...sessions].reduce((sum, s) => sum + s.session.groupsDropped, 0),
    stalls: null,
  };
}

/** Nearest-rank quantile of sorted values (few viewers: no interpolation to invent figures). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function ratio(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
