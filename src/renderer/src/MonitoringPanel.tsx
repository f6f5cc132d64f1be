import type { JSX } from 'react';
import type { StudioStats } from '../../studio/studio-api.js';
import { formatBitrate, formatNumber } from './format.js';
import { bitrateHealth, ceilingHealth, dropHealth, fpsHealth, speedHealth } from './health.js';
import { targetFrameRates } from './ladder.js';
import { MetricChart, type Health } from './MetricChart.js';
import { RenditionTable } from './RenditionTable.js';
import type { SparklineLine } from './Sparkline.js';
import { deltas, latest, renditionSeries, seriesOf, type Series } from './stats-history.js';

export interface MonitoringPanelProps {
  history: StudioStats[];
  /** The ladder as typed in the settings (for each rendition's target frame rate). */
  ladder: string;
  /** Glass-to-glass latency as measured by the preview player, aligned with `history`. */
  previewLatency: Series;
}

const WORST: Health[] = ['bad', 'warn', 'ok', 'idle'];
function worst(healths: Health[]): Health {
  return WORST.find((h) => healths.includes(h)) ?? 'idle';
}

/** Colour class per rendition, stable by order of appearance; audio has its own. */
function colorMap(stats: StudioStats | undefined): Map<string, string> {
  const colors = new Map<string, string>();
  let next = 0;
  for (const r of stats?.renditions ?? [])
    colors.set(r.name, r.role === 'audio' ? 'audio' : String(next++));
  return colors;
}

function Legend({ items }: { items: Array<[string, string]> }): JSX.Element {
  return (
    <span className="legend">
      {items.map(([label, color]) => (
        <span key={label}>
          <span className={`swatch c-${color}`} />
          {label}
        </span>
      ))}
    </span>
  );
}

/** Viewers' RTT as the relay reports it on `.stats`: p50 · p95. */
function viewerRtt(stats: StudioStats | undefined): string {
  const rtt = stats?.viewerQuality?.rttMs;
  return rtt ? `${formatNumber(rtt.p50, 0)} · ${formatNumber(rtt.p95, 0, ' ms')}` : '—';
}

/** Loss, groups dropped for viewers and the renditions they are on, or why nothing shows. */
function viewerQualityFooter(stats: StudioStats | undefined): string {
  const quality = stats?.viewerQuality;
  if (!quality) return 'p50 · p95 from the relay (.stats); none reported yet';
  const loss = quality.lossRatio ? `${(quality.lossRatio.mean * 100).toFixed(1)} % loss` : 'loss —';
  const on = Object.entries(quality.renditions)
    .filter(([name]) => name !== 'catalog')
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `p50 · p95 · ${loss} · ${quality.groupsDropped} groups dropped${on ? ` · ${on}` : ''}`;
}

/** Dropped frames as a share of frames made over the minute shown (OBS shows n/N %). */
function dropPercent(history: StudioStats[]): number | null {
  const dropped = deltas(seriesOf(history, (s) => s.dropped.encoder));
  const total = dropped.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  const frames = history.reduce((sum, s) => sum + (s.encoder?.fps ?? 0), 0);
  return frames > 0 ? (100 * total) / (frames + total) : null;
}

/**
 * Live health of the broadcast: the renditions table and a minute of each figure the engine
 * reports at 1 Hz, coloured like OBS's stats dock. Figures the engine cannot know say why.
 */
export function MonitoringPanel({
  history,
  ladder,
  previewLatency,
}: MonitoringPanelProps): JSX.Element {
  const now = history.at(-1);
  const live = now?.state === 'live';
  const colors = colorMap(now);
  const renditions = now?.renditions ?? [];
  const video = renditions.filter((r) => r.role === 'video');
  const targets = targetFrameRates(ladder);
  const lineOf = (
    name: string,
    pick: (r: StudioStats['renditions'][number]) => number | null,
  ): SparklineLine => ({
    series: renditionSeries(history, name, pick),
    color: colors.get(name) ?? 'audio',
  });
  const legend = (list: typeof renditions): JSX.Element => (
    <Legend items={list.map((r) => [r.name, colors.get(r.name) ?? 'audio'])} />
  );

  const totalBitrate = renditions.reduce((sum, r) => sum + r.bitrateBps, 0);
  // A captured source has no ladder rung, so no target to judge it against.
  const fpsHealths = video.map((r) => fpsHealth(r.fps, targets.get(r.name)));
  const fpsTargets = video.flatMap((r) => targets.get(r.name) ?? []);
  const speed = now?.encoder?.speed ?? null;
  const drops = dropPercent(history);
  const droppedEncoder = now?.dropped.encoder ?? null;
  const droppedNetwork = now?.dropped.network ?? null;
  const egress = now?.relay.egressBps ?? null;
  const rtt = now?.relay.rttMs ?? null;
  const latencySeries = history.map((s, i) => s.latencyMs ?? previewLatency[i] ?? null);
  const latency = latest(latencySeries);

  return (
    <div className="monitoring" data-testid="monitoring">
      <RenditionTable renditions={renditions} colors={colors} targetFps={targets} live={live} />
      <div className="charts">
        <MetricChart
          testId="chart-bitrate"
          title="Bitrate"
          value={formatBitrate(now ? totalBitrate : null)}
          health={worst(renditions.map((r) => bitrateHealth(r.bitrateBps, live)))}
          lines={renditions.map((r) => lineOf(r.name, (x) => x.bitrateBps))}
          minMax={100_000}
          footer={legend(renditions)}
        />
        <MetricChart
          testId="chart-fps"
          title="Frame rate"
          value={video.map((r) => formatNumber(r.fps, 0)).join(' · ') || '—'}
          health={worst(fpsHealths)}
          lines={video.map((r) => lineOf(r.name, (x) => x.fps))}
          minMax={10}
          target={fpsTargets.length ? Math.max(...fpsTargets) : undefined}
          footer={legend(video)}
        />
        <MetricChart
          testId="chart-speed"
          title="Encoder speed"
          value={speed === null ? '—' : `${speed.toFixed(2)}×`}
          health={speedHealth(speed)}
          lines={[{ series: seriesOf(history, (s) => s.encoder?.speed), color: 'speed' }]}
          minMax={1.2}
          target={1}
          footer={
            now?.ladderDropped.length
              ? `overloaded: dropped ${now.ladderDropped.join(', ')} to keep up`
              : '× real time; below 1 the broadcast falls behind'
          }
        />
        <MetricChart
          testId="chart-dropped"
          title="Dropped frames"
          value={`${droppedEncoder ?? '—'} · ${droppedNetwork ?? '—'}`}
          health={dropHealth(drops)}
          lines={[
            { series: deltas(seriesOf(history, (s) => s.dropped.encoder)), color: 'bad' },
            { series: deltas(seriesOf(history, (s) => s.dropped.network)), color: 'warn' },
          ]}
          minMax={5}
          footer={
            <>
              <Legend
                items={[
                  ['encoder', 'bad'],
                  ['network', 'warn'],
                ]}
              />
              {drops !== null && <span> · {drops.toFixed(1)} %</span>}
            </>
          }
        />
        <MetricChart
          testId="chart-cpu"
          title="CPU"
          value={`${formatNumber(now?.cpuPercent, 0, '%')} · ${formatNumber(now?.encoder?.cpuPercent, 0, '%')}`}
          health={now ? 'ok' : 'idle'}
          lines={[
            { series: seriesOf(history, (s) => s.cpuPercent), color: 'cpu' },
            { series: seriesOf(history, (s) => s.encoder?.cpuPercent), color: 'ffmpeg' },
          ]}
          minMax={100}
          footer={
            <Legend
              items={[
                ['studio', 'cpu'],
                ['ffmpeg', 'ffmpeg'],
              ]}
            />
          }
        />
        <MetricChart
          testId="chart-viewers"
          title="Viewers"
          value={now?.viewers === null ? '—' : String(now?.viewers ?? '—')}
          health={now?.viewers === null || !now ? 'idle' : 'ok'}
          lines={video.map((r) => lineOf(r.name, (x) => x.viewers))}
          minMax={2}
          footer={now?.viewers === null ? 'a remote relay does not report viewers' : legend(video)}
        />
        <MetricChart
          testId="chart-viewer-quality"
          title="Viewers' RTT"
          value={viewerRtt(now)}
          health={ceilingHealth(now?.viewerQuality?.rttMs?.p95 ?? null, 150, 400)}
          lines={[
            { series: seriesOf(history, (s) => s.viewerQuality?.rttMs?.p50), color: 'rtt' },
            { series: seriesOf(history, (s) => s.viewerQuality?.rttMs?.p95), color: 'warn' },
          ]}
          minMax={20}
          footer={viewerQualityFooter(now)}
        />
        <MetricChart
          testId="chart-egress"
          title="Relay egress"
          value={formatBitrate(egress)}
          health={egress === null ? 'idle' : 'ok'}
          lines={[{ series: seriesOf(history, (s) => s.relay.egressBps), color: 'egress' }]}
          minMax={100_000}
          footer={
            now?.relay.kind === 'remote'
              ? 'not reported by a remote relay'
              : now?.relay.access === 'publish-protected'
                ? 'embedded relay → viewers (only the studio may publish)'
                : 'embedded relay → viewers'
          }
        />
        <MetricChart
          testId="chart-rtt"
          title="RTT"
          value={formatNumber(rtt, 0, ' ms')}
          health={ceilingHealth(rtt, 150, 400)}
          lines={[{ series: seriesOf(history, (s) => s.relay.rttMs), color: 'rtt' }]}
          minMax={20}
          footer="studio → relay session"
        />
        <MetricChart
          testId="chart-latency"
          title="Glass-to-glass"
          value={formatNumber(latency, 0, ' ms')}
          health={ceilingHealth(latency, 1000, 2000)}
          lines={[{ series: latencySeries, color: 'latency' }]}
          minMax={500}
          footer={
            latency === null
              ? 'measured by a player: the relay preview'
              : 'as the preview player sees it'
          }
        />
      </div>
      {now && now.notes.length > 0 && (
        <ul className="notes">
          {now.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
