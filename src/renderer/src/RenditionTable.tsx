import type { JSX } from 'react';
import type { RenditionStats } from '../../studio/studio-api.js';
import { formatBitrate, formatNumber } from './format.js';
import { bitrateHealth, fpsHealth } from './health.js';

export interface RenditionTableProps {
  renditions: RenditionStats[];
  colors: Map<string, string>;
  targetFps: Map<string, number>;
  live: boolean;
}

/** The renditions now: what each sends, at what rate, to how many viewers. */
export function RenditionTable({
  renditions,
  colors,
  targetFps,
  live,
}: RenditionTableProps): JSX.Element {
  return (
    <table className="renditions" data-testid="renditions">
      <thead>
        <tr>
          <th>Rendition</th>
          <th>Size</th>
          <th className="num">Bitrate</th>
          <th className="num">Target</th>
          <th className="num">FPS</th>
          <th className="num">Viewers</th>
          <th className="num">Groups</th>
        </tr>
      </thead>
      <tbody>
        {renditions.length === 0 && (
          <tr>
            <td colSpan={7} className="empty">
              No renditions yet — they appear once the encoder runs.
            </td>
          </tr>
        )}
        {renditions.map((r) => (
          <tr key={r.name} data-rendition={r.name}>
            <td>
              <span className={`swatch c-${colors.get(r.name) ?? 'audio'}`} />
              {r.name}
            </td>
            <td>{r.width && r.height ? `${r.width}×${r.height}` : r.role}</td>
            <td
              className={`num health-${bitrateHealth(r.bitrateBps, live)}`}
              data-field="bitrate"
              data-value={r.bitrateBps}
            >
              {formatBitrate(r.bitrateBps)}
            </td>
            <td className="num dim">
              {r.targetBitrateBps ? formatBitrate(r.targetBitrateBps) : 'as captured'}
            </td>
            <td
              className={`num ${r.role === 'video' ? `health-${fpsHealth(r.fps, targetFps.get(r.name))}` : 'dim'}`}
              title={r.role === 'audio' ? 'audio chunks per second' : undefined}
            >
              {formatNumber(r.fps, 1)}
            </td>
            <td className="num" data-field="viewers" data-value={r.viewers ?? ''}>
              {r.viewers === null ? '—' : r.viewers}
            </td>
            <td className="num dim">{r.groups}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
